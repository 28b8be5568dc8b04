"""Renderers of an Analysis: terminal (rich), HTML; JSON is ``model.to_dict``."""
