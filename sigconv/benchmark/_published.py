"""Published test accuracies of reference methods on the UCR archive (the table in ``published_ucr.csv``)."""

import importlib.resources
import io

__all__ = ["PUBLISHED_SOURCES", "load_published"]

#: Where each column of ``published_ucr.csv`` comes from. Accuracies are on
#: the standard train/test split, as fractions, rounded to 4 decimals; an
#: empty cell means the source has no result for that data set.
PUBLISHED_SOURCES = {
    "FCN": "FCN, mean of 5 runs: Ismail Fawaz et al. (2019), hfawaz/dl-4-tsc results/results-ucr-128.csv",
    "ResNet": "ResNet, mean of 5 runs: Ismail Fawaz et al. (2019), hfawaz/dl-4-tsc results/results-ucr-128.csv",
    "Inception": "single Inception network, mean of 5 runs: Ismail Fawaz et al. (2020), hfawaz/InceptionTime "
                 "results",
    "InceptionTime": "InceptionTime, ensemble of 5: Ismail Fawaz et al. (2020), hfawaz/InceptionTime results",
    "ROCKET": "ROCKET, mean of 10 runs: Dempster et al. (2020), angus924/rocket results/results_ucr.csv",
    "MiniRocket": "MiniRocket, standard split: Dempster et al. (2021), angus924/minirocket "
                  "results/accuracy_ucr109_resamples.csv column 0",
    "HC2": "HIVE-COTE 2: Middlehurst et al. (2021), time-series-machine-learning/tsml-eval results, fold 0",
    "1NN-DTW": "1-NN DTW, full window: UCR 2018 archive DataSummary.csv (Dau et al. 2019)",
    "1NN-ED": "1-NN Euclidean: UCR 2018 archive DataSummary.csv (Dau et al. 2019)",
}


def load_published():
    """Published accuracies on the 128 UCR 2018 data sets, one column per reference method.

    The table ships with sigconv (``sigconv/benchmark/published_ucr.csv``);
    :data:`PUBLISHED_SOURCES` names the source of each column.

    Returns
    -------
    table : pandas.DataFrame
        Index: data set names; columns: ``FCN``, ``ResNet``, ``Inception``,
        ``InceptionTime``, ``ROCKET``, ``MiniRocket``, ``HC2``, ``1NN-DTW``,
        ``1NN-ED``; NaN where the source has no result.

    Examples
    --------
    >>> from sigconv.benchmark import load_published
    >>> table = load_published()
    >>> table.shape
    (128, 9)
    >>> float(table.loc["GunPoint", "ResNet"])
    0.9907
    """
    import pandas as pd

    text = importlib.resources.files(__package__).joinpath("published_ucr.csv").read_text()
    return pd.read_csv(io.StringIO(text), index_col="dataset")
