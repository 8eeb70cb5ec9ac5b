"""Run-together words: split when two words are the more probable reading, never a word."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wordfreq import top_n_list

from pipeline.normalize import default_vocabulary, splitting

#: Common English words, to build text that has nothing to split.
COMMON = [w for w in top_n_list("en", 3000) if w.isalpha() and len(w) > 1]


@pytest.mark.parametrize(
    "text_in, text_out",
    [
        ("Keep your legstogether and breathe.", "Keep your legs together and breathe."),
        ("Stay here with your kneesbent.", "Stay here with your knees bent."),
        ("Now holdthis position.", "Now hold this position."),
        ("Roll onto your sidelying position.", "Roll onto your side lying position."),
        ("Slide your armsup the wall.", "Slide your arms up the wall."),
        ("Sitting tall helps.Legstogether now.", "Sitting tall helps.Legs together now."),
        # joined forms people type, so the web counts them: the bigram decides
        ("so ifyou can, try it", "so if you can, try it"),
        ("it's kindof like a bridge", "it's kind of like a bridge"),
        ("you should beable toget there", "you should be able to get there"),
        ("Atleast twice, morethan that is fine.", "At least twice, more than that is fine."),
        ("many ofthe videos", "many of the videos"),
        ("ifyou're sore, the stretchesaren't for today", "if you're sore, the stretches aren't for today"),
        ("Ifyou’re ready", "If you’re ready"),
        # negatives: dictionary words, Sanskrit, names, domain words, typos, URLs and file names
        ("You cannot skip the workout or the warmup, maybe alongside a setup.", None),
        ("Start anew; nowhere near today.", None),
        ("Flow through a vinyasa into Tadasana.", None),
        ("Rest in savasana, then tadasana and malasana.", None),
        ("Use ujjayi breathing and soften the psoas.", None),
        ("Squeeze your glutes, says Jo.", None),
        ("Loop a Theraband around both thighs.", None),
        ("Step forard slowly.", None),
        ("Then sitand rest.", None),
        ("Two hamstring stretches and a warmup.", None),
        ("Release the semispinalis; try sitali breath.", None),
        ("Then pigon pose.", None),
        ("See example.com/legstogether or mail legstogether@example.org, open kneesbent.pdf", None),
        ("Your bodyweight, alot of reps.", None),
    ],
)
def test_splitting_split_run_together(text_in, text_out, vocab, edited):
    assert edited(text_in, splitting.split_run_together(text_in, vocab)) == (text_out or text_in)


@pytest.mark.parametrize(
    "word, parts",
    [
        ("legstogether", ("legs", "together")),
        ("tiltis", ("tilt", "is")),
        ("gethelp", ("get", "help")),
        ("ifyou", ("if", "you")),
        ("herniationpain", ("herniation", "pain")),
        ("stretchesaren't", ("stretches", "aren't")),
        ("tadasana", None),
        ("vinyasa", None),
        ("hamsting", None),
        ("shoulders", None),
        ("cannot", None),
        ("avery", None),
        ("isa", None),
    ],
)
def test_splitting_split_word(word, parts, vocab):
    found = splitting.split_word(word, vocab)
    assert (found.parts if found else None) == parts


def test_splitting_explains_the_decision(vocab):
    found = splitting.split_word("ifyou", vocab)
    assert found.score >= 0.7 and "as two words" in found.reason and "as one" in found.reason


def test_splitting_never_splits_common_dictionary_words():
    vocab = default_vocabulary()
    from pipeline.normalize.ngrams import in_dictionary

    split = [w for w in top_n_list("en", 20000) if w.isalpha() and in_dictionary(w) and splitting.split_word(w, vocab)]
    assert split == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(COMMON), min_size=1, max_size=25))
def test_splitting_text_of_common_words_is_unchanged(words):
    text = " ".join(words)
    assert splitting.split_run_together(text, default_vocabulary()) == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC'’ .,\n-", max_size=80))
def test_splitting_edits_only_insert_spaces(text):
    for e in splitting.split_run_together(text, default_vocabulary()):
        assert text[e.start : e.end] == e.before
        assert e.after.replace(" ", "").lower() == e.before.lower()
