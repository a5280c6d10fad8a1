"""Order of the gallery: from the first forecast to the inside of a network."""

from pathlib import Path

# Examples not listed here come after these, by file name.
ORDER = [
    "plot_quickstart.py",
    "plot_own_csv.py",
    "plot_airline_forecast.py",
    "plot_sunspots_simple_rnn.py",
    "plot_hourly_temperature.py",
    "plot_digits_rows.py",
    "plot_variable_length.py",
    "plot_japanese_vowels.py",
    "plot_state_of_one_number.py",
    "plot_inside_simple_rnn.py",
]


class ExampleOrder:
    """A ``within_subsection_order`` sort key for sphinx-gallery."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = Path(filename).name
        position = ORDER.index(name) if name in ORDER else len(ORDER)
        return (position, name)

    def __repr__(self):
        return f"<{type(self).__name__}>"
