"""
Variable-length sequences: who is speaking?
===========================================

The Japanese Vowels set (UCI) holds utterances of 7 to 29 frames of 12
cepstrum coefficients by nine speakers. An :class:`~skrnn.RNNClassifier` takes
the sequences as they are, a list of arrays of different lengths: they are
padded and masked inside the model. The baselines need fixed-length inputs, so
they get summary features (a logistic regression on each coefficient's mean,
standard deviation, first and last value) or sequences resampled to a common
length (1-nearest neighbour).
"""

# %%
import os

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skrnn import RNNClassifier
from skrnn.datasets import load_japanese_vowels

QUICK = bool(os.environ.get("SKRNN_QUICK"))

X_train, y_train = load_japanese_vowels(split="train")
X_test, y_test = load_japanese_vowels(split="test")
print(
    f"{len(X_train)} training and {len(X_test)} test utterances, "
    f"{min(map(len, X_train))} to {max(map(len, X_train))} frames each"
)

# %%
# The recurrent networks read each utterance frame by frame: the default
# network (an LSTM beside a convolutional branch, both masking the padding)
# and a plain GRU that summarises the utterance in its last state.
EPOCHS = 5 if QUICK else 60
networks = {
    "RNNClassifier() on the sequences": RNNClassifier(
        epochs=EPOCHS if QUICK else "auto", random_state=0
    ),
    "GRU(32) on the sequences": RNNClassifier(
        cell="gru",
        units=32,
        fcn_filters=None,
        epochs=EPOCHS,
        batch_size=16,
        lr_schedule="constant",
        random_state=0,
    ),
}
scores = {
    name: rnn.fit(X_train, y_train).score(X_test, y_test)
    for name, rnn in networks.items()
}


# %%
# Fixed-length views of the same utterances for the baselines.
def summary(sequences):
    return np.array(
        [np.concatenate([x.mean(0), x.std(0), x[0], x[-1]]) for x in sequences]
    )


def resampled(sequences, n_steps=20):
    grid = np.linspace(0, 1, n_steps)
    return np.array(
        [
            np.concatenate(
                [np.interp(grid, np.linspace(0, 1, len(x)), x[:, j]) for j in range(12)]
            )
            for x in sequences
        ]
    )


logistic = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
logistic.fit(summary(X_train), y_train)
scores["LogisticRegression on summaries"] = logistic.score(summary(X_test), y_test)
nearest = KNeighborsClassifier(n_neighbors=1).fit(resampled(X_train), y_train)
scores["1-NN on resampled sequences"] = nearest.score(resampled(X_test), y_test)

for name, accuracy in scores.items():
    print(f"{name:34s} test accuracy {accuracy:.3f}")
best = max(scores, key=scores.get)
print(f"Most accurate here: {best} ({scores[best]:.3f}).")

# %%
# The default network reads the utterances as they are, with no common
# length. The summaries are a strong baseline all the same: four numbers per
# coefficient (48 in all) that a logistic regression reads. Compare the
# accuracies above: a few utterances of the test set separate the best
# models.
