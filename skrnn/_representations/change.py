"""``target_representation="change"``: the change from the window's last value."""

from skrnn._representations.base import Representation


class Change(Representation):
    """The change from the window's last value: a trend outside the training range
    is followed, since the network predicts steps, not levels."""

    name = "change"
    relative = True

    def window_statistics(self, history, min_scale):
        return history[:, -1:], None  # padding is at the start: the end is real
