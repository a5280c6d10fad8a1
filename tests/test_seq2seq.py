"""RNNSeq2Seq: learning, teacher forcing, decoding, input checks, scikit-learn API."""

import copy
import pickle
import subprocess
import sys
from functools import partial

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV

from skrnn import RNNSeq2Seq
from skrnn._sequences.decoding import beam_search, greedy
from skrnn._sequences.vocabulary import (
    END,
    PAD,
    START,
    UNKNOWN,
    Vocabulary,
    teacher_forcing,
)

# A small network that learns the copy and reverse tasks in seconds.
SMALL = {
    "units": 32,
    "embedding_dim": 8,
    "learning_rate": 0.01,
    "epochs": 15,
    "batch_size": 16,
    "early_stopping": False,
    "random_state": 0,
}
TINY = {
    "units": 4,
    "embedding_dim": 2,
    "epochs": 1,
    "early_stopping": False,
    "random_state": 0,
}
LETTERS = list("abcdef")


def words(n, seed, min_len=1, max_len=6):
    rng = np.random.default_rng(seed)
    return [
        "".join(rng.choice(LETTERS, size=rng.integers(min_len, max_len)))
        for _ in range(n)
    ]


@pytest.fixture(scope="module")
def train_words():
    return words(400, seed=0)


@pytest.fixture(scope="module")
def unseen_words(train_words):
    seen = set(train_words)
    return [w for w in words(300, seed=1, min_len=3) if w not in seen][:150]


@pytest.fixture(scope="module")
def copy_model(train_words):
    # the tutorials' trick: the encoder reads the input last token first, so
    # the first output token sits next to the state the decoder starts from
    return RNNSeq2Seq(**SMALL, reverse_input=True).fit(train_words, train_words)


@pytest.fixture(scope="module")
def reverse_model(train_words):
    return RNNSeq2Seq(**SMALL).fit(train_words, [w[::-1] for w in train_words])


# -- learning ---------------------------------------------------------------------


# tens of seconds: run by the slow CI step (make test-slow)
@pytest.mark.slow
def test_copy_task_is_learned_on_unseen_strings(copy_model, unseen_words):
    assert copy_model.score(unseen_words, unseen_words) >= 0.99


def test_reverse_task_is_learned_on_unseen_strings(reverse_model, unseen_words):
    reversed_words = [w[::-1] for w in unseen_words]
    assert reverse_model.score(unseen_words, reversed_words) >= 0.99
    # the score is exact match: compare with predict
    y_pred = reverse_model.predict(unseen_words)
    assert isinstance(y_pred, list) and all(isinstance(p, str) for p in y_pred)
    exact = np.mean([p == t for p, t in zip(y_pred, reversed_words, strict=True)])
    assert reverse_model.score(unseen_words, reversed_words) == exact


def test_a_wrong_target_scores_low(reverse_model, unseen_words):
    # the score can fail: the reversing model does not copy
    long_words = [w for w in unseen_words if w != w[::-1]]
    assert reverse_model.score(long_words, long_words) < 0.2


# -- teacher forcing and the vocabulary -------------------------------------------


def test_teacher_forcing_shifts_the_target_by_one_step():
    rows = [[5, 6, 7], [8], []]
    decoder_input, target, weights = teacher_forcing(rows, 5)
    assert_array_equal(
        decoder_input,
        [[START, 5, 6, 7, PAD], [START, 8, PAD, PAD, PAD], [START] + [PAD] * 4],
    )
    assert_array_equal(
        target, [[5, 6, 7, END, PAD], [8, END, PAD, PAD, PAD], [END] + [PAD] * 4]
    )
    assert_array_equal(weights, target != PAD)
    # the decoder reads at step t what it must write at step t - 1
    real = weights[:, 1:] > 0
    assert_array_equal(decoder_input[:, 1:][real], target[:, :-1][real])


def test_the_prepared_arrays_pack_source_and_shifted_target(train_words):
    est = RNNSeq2Seq(reverse_input=True)
    est._source = Vocabulary("strings").fit(["ab"])
    est._target = Vocabulary("strings").fit(["xyz"])
    packed, target, weights = est._training_arrays(["ab"], ["xyz"])
    a, b = est._source.index["a"], est._source.index["b"]
    x, y, z = (est._target.index[c] for c in "xyz")
    # each part padded to its own longest sequence, the source reversed
    assert est._source_length == 2
    assert_array_equal(packed[0], [b, a, START, x, y, z])
    assert_array_equal(target[0], [x, y, z, END])
    assert_array_equal(weights[0], [1, 1, 1, 1])


def test_vocabulary_maps_unseen_tokens_to_unknown():
    vocabulary = Vocabulary("strings").fit(["abc", "cab"])
    assert vocabulary.tokens == ["a", "b", "c"]
    assert vocabulary.ids("az") == [vocabulary.index["a"], UNKNOWN]
    assert vocabulary.decode([*vocabulary.ids("cab"), END, 5]) == "cab"


# -- decoding -----------------------------------------------------------------------


def scripted_step(script, n_tokens=8):
    """A fake decoder step writing ``script[row][t]`` at step ``t``, and counting."""
    calls = []

    def step(tokens, states, context):
        t = len(calls)
        calls.append(tokens.copy())
        probabilities = np.full((len(tokens), n_tokens), 0.01)
        for row, tokens_of_row in enumerate(script):
            probabilities[row, tokens_of_row[min(t, len(tokens_of_row) - 1)]] = 0.9
        return probabilities, states

    return step, calls


def test_greedy_stops_at_the_end_token_and_feeds_its_output_back():
    step, calls = scripted_step([[5, 6, END, 7], [4, END, 7, 7]])
    ids = greedy(step, [np.zeros((2, 3))], [], max_length=10)
    assert_array_equal(ids, [[5, 6, END], [4, END, PAD]])
    assert len(calls) == 3  # stopped once both had ended
    assert_array_equal(calls[0], [START, START])
    assert_array_equal(calls[1], [5, 4])  # its own previous output


def test_greedy_respects_max_length():
    step, calls = scripted_step([[5]])
    ids = greedy(step, [np.zeros((1, 3))], [], max_length=4)
    assert_array_equal(ids, [[5, 5, 5, 5]])
    assert len(calls) == 4


def test_beam_search_finds_a_more_probable_sequence_than_greedy():
    # greedy takes 5 (0.6) then faces two tokens at 0.5 each: 0.3 in all;
    # 6 (0.4) is followed by END at 1.0: 0.4 in all
    def step(tokens, states, context):
        p = np.full((len(tokens), 8), 1e-9)
        for row, token in enumerate(tokens):
            if token == START:
                p[row, 5], p[row, 6] = 0.6, 0.4
            elif token == 5:
                p[row, 4], p[row, 7] = 0.5, 0.5
            else:
                p[row, END] = 1.0
        return p, states

    states = [np.zeros((1, 2))]
    assert_array_equal(greedy(step, states, [], 5), [[5, 4, END]])
    assert_array_equal(beam_search(step, states, [], 5, 2)[:, :2], [[6, END]])


def test_max_output_length_caps_predictions_and_empty_targets_are_allowed(
    train_words,
):
    X = train_words[:40]
    y = ["" if len(w) < 3 else w for w in X]  # empty outputs: end token first
    est = RNNSeq2Seq(**{**TINY, "max_output_length": 3}).fit(X, y)
    y_pred = est.predict(["abcdef", "ab"])
    assert est.max_output_length_ == 3
    assert all(len(p) <= 3 for p in y_pred)


def test_learned_outputs_end_where_the_truth_ends(copy_model, unseen_words):
    # each output stops at the end token, well before max_output_length_
    lengths = [len(p) for p in copy_model.predict(unseen_words)]
    assert lengths == [len(w) for w in unseen_words]
    assert copy_model.max_output_length_ == 10  # twice the longest output


def test_beam_search_of_width_one_equals_greedy_on_the_network(
    reverse_model, unseen_words
):
    by_greedy = reverse_model._decode_ids(unseen_words, search=greedy)
    by_beam = reverse_model._decode_ids(
        unseen_words, search=partial(beam_search, beam_width=1)
    )
    assert len(by_beam) == len(by_greedy)
    for a, b in zip(by_beam, by_greedy, strict=True):
        assert_array_equal(a, b)


def test_beam_search_predicts(reverse_model, unseen_words):
    est = copy.deepcopy(reverse_model).set_params(beam_width=3)
    reversed_words = [w[::-1] for w in unseen_words]
    assert est.score(unseen_words, reversed_words) >= 0.99


def test_unknown_characters_do_not_fail(copy_model):
    y_pred = copy_model.predict(["xyz", "aXb", "é"])
    assert len(y_pred) == 3 and all(isinstance(p, str) for p in y_pred)
    # the known characters of a mixed input still come through
    assert set(y_pred[1]) <= set(LETTERS)


def test_token_id_sequences_in_and_out_and_nothing_passed_in_is_modified():
    rng = np.random.default_rng(0)
    X = [list(rng.integers(0, 5, size=rng.integers(1, 5))) for _ in range(40)]
    y = np.array([[int(seq[0]) + 100, 7] for seq in X])  # ids as a 2-D array
    X_before, y_before, callbacks = copy.deepcopy(X), y.copy(), []
    est = RNNSeq2Seq(**TINY, callbacks=callbacks).fit(X, y)
    y_pred = est.predict(X[:5])
    assert all(isinstance(p, list) for p in y_pred)
    assert all(v in {7, *range(100, 105)} for p in y_pred for v in p)
    assert est.input_tokens_ == [0, 1, 2, 3, 4]
    # a 2-D array of ids is a list of equal-length sequences
    assert len(est.predict(np.array([[0, 1], [2, 3]]))) == 2
    assert X == X_before and callbacks == []
    assert_array_equal(y, y_before)


# -- input checks ------------------------------------------------------------


@pytest.mark.parametrize(
    "X, y, error, match",
    [
        ([], [], ValueError, "X is empty"),
        (["ab"], [], ValueError, "y is empty"),
        (["ab", "cd"], ["x"], ValueError, "X and y have different lengths"),
        ("abc", ["a", "b", "c"], TypeError, "X must be a list"),
        (["ab", 3], ["x", "y"], TypeError, r"X\[1\] is a int"),
        (["ab", None], ["x", "y"], TypeError, r"X\[1\]"),
        (["ab", "cd"], ["x", 2.5], TypeError, r"y\[1\]"),
        (["ab", [1, 2]], ["x", "y"], TypeError, "X mixes strings and token-id"),
        (["ab", ""], ["x", "y"], ValueError, r"X\[1\] is empty"),
        ([[1, -2]], ["x"], ValueError, "negative token id"),
        ([[1.5, 2]], ["x"], TypeError, r"X\[0\]"),
    ],
)
def test_bad_input_is_a_clear_error(X, y, error, match):
    with pytest.raises(error, match=match):
        RNNSeq2Seq(**TINY).fit(X, y)


@pytest.mark.parametrize(
    "param, value",
    [
        ("units", 0),
        ("attention", "dot"),
        ("beam_width", 0),
        ("embedding_dim", 0),
        ("max_output_length", 0),
        ("cell", "rnn"),
    ],
)
def test_bad_parameters_name_the_parameter(param, value):
    with pytest.raises(ValueError, match=param):
        RNNSeq2Seq(**{**TINY, param: value}).fit(["ab"], ["ba"])


def test_predict_checks_its_input(copy_model):
    with pytest.raises(ValueError, match=r"X\[0\] is empty"):
        copy_model.predict([""])
    with pytest.raises(TypeError, match="fitted on strings"):
        copy_model.predict([[1, 2]])
    with pytest.raises(ValueError, match="X is empty"):
        copy_model.predict([])


# -- the scikit-learn API ----------------------------------------------------


def test_not_fitted_error():
    with pytest.raises(NotFittedError):
        RNNSeq2Seq().predict(["abc"])


def test_clone_and_params_round_trip():
    est = RNNSeq2Seq(units=(8, 4), attention="bahdanau", beam_width=3)
    params = est.get_params()
    assert params["units"] == (8, 4) and params["attention"] == "bahdanau"
    twin = clone(est)
    assert twin.get_params() == params and twin is not est
    assert RNNSeq2Seq().set_params(**params).get_params() == params


def test_importing_skrnn_does_not_import_keras():
    code = "import sys, skrnn; skrnn.RNNSeq2Seq(); assert 'keras' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# tens of seconds: run by the slow CI step (make test-slow)
@pytest.mark.slow
def test_same_random_state_gives_identical_predictions(train_words):
    X, y = train_words[:60], [w[::-1] for w in train_words[:60]]
    first = RNNSeq2Seq(**TINY, cell="gru").fit(X, y)
    second = RNNSeq2Seq(**TINY, cell="gru").fit(X, y)
    assert first.predict(X) == second.predict(X)
    assert first.loss_curve_ == second.loss_curve_


# tens of seconds: run by the slow CI step (make test-slow)
@pytest.mark.slow
def test_grid_search_over_units(train_words):
    X, y = train_words[:40], train_words[:40]
    search = GridSearchCV(RNNSeq2Seq(**TINY), {"units": [2, 4]}, cv=2, refit=False)
    search.fit(X, y)  # scored by RNNSeq2Seq.score: exact match
    assert set(search.cv_results_["param_units"]) == {2, 4}
    assert 0.0 <= search.best_score_ <= 1.0
    assert search.best_params_["units"] in (2, 4)


def test_pickle_and_save_load_predict_identically_in_a_fresh_process(
    reverse_model, unseen_words, tmp_path
):
    expected = reverse_model.predict(unseen_words)
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(reverse_model))
    reverse_model.save(tmp_path / "model.skrnn")
    (tmp_path / "X.pkl").write_bytes(pickle.dumps(unseen_words))
    code = (
        "import pickle, sys\n"
        "from skrnn import RNNSeq2Seq\n"
        "folder = sys.argv[1]\n"
        "X = pickle.load(open(f'{folder}/X.pkl', 'rb'))\n"
        "a = pickle.load(open(f'{folder}/model.pkl', 'rb')).predict(X)\n"
        "b = RNNSeq2Seq.load(f'{folder}/model.skrnn').predict(X)\n"
        "pickle.dump((a, b), open(f'{folder}/out.pkl', 'wb'))\n"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, timeout=300)
    from_pickle, from_file = pickle.loads((tmp_path / "out.pkl").read_bytes())
    assert from_pickle == expected
    assert from_file == expected


def test_early_stopping_holds_out_pairs_at_random(train_words):
    est = RNNSeq2Seq(**{**TINY, "epochs": 3, "early_stopping": True})
    est.fit(train_words[:50], train_words[:50])
    assert len(est.history_["val_loss"]) == est.n_iter_
    assert np.isfinite(est.best_validation_loss_)
    # a seeded draw, not the tail: a data set sorted by its input keeps its end
    est._seed = 0
    order, cut = est._holdout_order(np.zeros(100), 90)
    assert cut == 90
    assert sorted(order) == list(range(100))
    assert list(order[90:]) != list(range(90, 100))
    assert_array_equal(order[:90], np.sort(order[:90]))


def test_default_budget_stops_on_the_held_out_loss(train_words):
    est = RNNSeq2Seq(units=4, embedding_dim=2, tol=1.0, random_state=0)
    est.fit(train_words[:64], train_words[:64])
    assert est.early_stopping and est.batch_size_ == 32
    assert est.epochs_ == 500  # "auto": 1,000 updates, two an epoch here
    assert est.n_iter_ == len(est.history_["val_loss"]) < est.epochs_
