"""A trained cell's output matches its stored one up to what the machine changes, and nothing more."""
from trained_outputs import same_but_for_training

STORED = "column 0 wins on 88% of frames; blank moved to the last column: loss 238.83 instead of 1.77\n"


def test_the_same_output_matches():
    assert same_but_for_training(STORED, STORED)


def test_numbers_another_cpu_prints_match():
    assert same_but_for_training(STORED.replace("238.83", "240.68").replace("1.77", "1.48"), STORED)


def test_a_number_far_from_the_stored_one_does_not_match():
    assert not same_but_for_training(STORED.replace("1.77", "2.50"), STORED)


def test_other_words_do_not_match():
    assert not same_but_for_training(STORED.replace("last column", "first column"), STORED)


def test_a_missing_number_does_not_match():
    assert not same_but_for_training(STORED.replace(" instead of 1.77", ""), STORED)
