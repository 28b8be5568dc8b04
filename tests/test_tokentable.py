"""The token table's columns are what spaCy's ``Token`` attributes give, on a parsed article."""

from spacy.tokens import Doc

from claimtrace.extract.tokentable import token_table


def test_columns_match_token_attributes(nlp, example_text):
    doc = nlp(example_text)
    table = token_table(doc)
    assert len(table.heads) == len(doc) > 100
    for token in doc:
        i = token.i
        assert table.lowers[i] == token.lower_
        assert table.lemmas[i] == token.lemma_.lower()
        assert table.tags[i] == token.tag_
        assert table.deps[i] == token.dep_
        assert table.pos[i] == token.pos
        assert table.heads[i] == token.head.i
        assert table.children(i) == [c.i for c in token.children]


def test_one_table_per_doc(nlp):
    first, second = nlp("Troops withdrew on Monday."), nlp("Talks resumed.")
    assert token_table(first) is token_table(first)
    assert token_table(second).doc is second
    assert token_table(first).lowers[0] == "troops"


def test_unparsed_doc_has_every_token_as_its_own_root(nlp):
    doc = Doc(nlp.vocab, words=["no", "parse", "here"])
    table = token_table(doc)
    assert table.heads == [0, 1, 2]
    assert [table.children(i) for i in range(3)] == [[], [], []]
