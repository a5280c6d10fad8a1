"""Decoding: greedy and beam search over a compiled one-step decoder."""

import numpy as np

from skrnn._sequences.vocabulary import END, PAD, START


def greedy(step, states, context, max_length: int):
    """Each sequence's most probable next token, fed back, until the end token.

    Parameters
    ----------
    step : callable
        ``step(tokens, states, context) -> (probabilities, states)`` for a
        batch: ``tokens`` of shape (n,), ``probabilities`` (n, n_tokens).
    states : list of ndarray of shape (n, ...)
        The decoder's initial states (the encoder's final ones).
    context : list of ndarray of shape (n, ...)
        What every step also reads (the encoder outputs and their mask).
    max_length : int
        Most tokens written per sequence, the end token included.

    Returns
    -------
    ids : ndarray of int32 of shape (n, n_steps)
        Model ids written; ``PAD`` after each sequence's end token.
    """
    n = len(states[0])
    tokens = np.full(n, START, dtype=np.int32)
    written = np.full((n, max_length), PAD, dtype=np.int32)
    done = np.zeros(n, dtype=bool)
    for t in range(max_length):
        probabilities, states = step(tokens, states, context)
        tokens = np.argmax(probabilities, axis=1).astype(np.int32)
        written[:, t] = np.where(done, PAD, tokens)
        done |= tokens == END
        if done.all():
            return written[:, : t + 1]
    return written


def beam_search(step, states, context, max_length: int, beam_width: int):
    """The most probable sequence among ``beam_width`` kept at each step.

    Scores are sums of log-probabilities (no length normalisation); a beam
    that wrote the end token keeps its score. Decoding stops once every
    sequence's best beam has ended, since an unfinished beam's score can
    only fall. With ``beam_width=1`` this is :func:`greedy`: ties go to the
    lowest id in both.

    Parameters
    ----------
    step, states, context, max_length
        As in :func:`greedy`.
    beam_width : int
        Beams kept per sequence.

    Returns
    -------
    ids : ndarray of int32 of shape (n, n_steps)
        The best beam of each sequence, ``PAD`` after its end token.
    """
    n, k = len(states[0]), beam_width
    states = [np.repeat(s, k, axis=0) for s in states]
    context = [np.repeat(c, k, axis=0) for c in context]
    tokens = np.full(n * k, START, dtype=np.int32)
    scores = np.full((n, k), -np.inf)
    scores[:, 0] = 0.0  # one live beam at the start, not k copies of it
    done = np.zeros((n, k), dtype=bool)
    written = np.zeros((n, k, 0), dtype=np.int32)
    for _ in range(max_length):
        probabilities, states = step(tokens, states, context)
        n_tokens = probabilities.shape[1]
        log_p = np.log(np.maximum(probabilities, 1e-30)).reshape(n, k, n_tokens)
        # an ended beam continues with padding, at no cost, and nothing else
        log_p[done] = -np.inf
        log_p[done, PAD] = 0.0
        candidates = (scores[:, :, None] + log_p).reshape(n, k * n_tokens)
        best = np.argsort(-candidates, axis=1, kind="stable")[:, :k]
        beam, tokens = np.divmod(best, n_tokens)
        scores = np.take_along_axis(candidates, best, axis=1)
        rows = (np.arange(n)[:, None] * k + beam).ravel()
        states = [s[rows] for s in states]
        written = np.concatenate(
            [np.take_along_axis(written, beam[:, :, None], axis=1), tokens[:, :, None]],
            axis=2,
        )
        done = np.take_along_axis(done, beam, axis=1) | (tokens == END)
        tokens = tokens.ravel().astype(np.int32)
        if done[np.arange(n), np.argmax(scores, axis=1)].all():
            break
    return written[np.arange(n), np.argmax(scores, axis=1)]
