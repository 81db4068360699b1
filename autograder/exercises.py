"""The course's chapters and exercises: the one registry everything else reads.

An exercise is declared once, here: its chapter, points, the hint its learner
stub shows, what it must equal (in words), its reference (a Keras object, or an
object defined in its checks module), the function building its checks, and the
Keras objects it may not call. Release, self-check, grading, the answer key, the
`list` command, the book and the tests all read this list. Nothing in this
module imports Keras, so reading it is instant.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Chapter:
    id: str          # "02"
    slug: str        # "02_regression_losses" (file stem in solutions/ and notebooks/)
    title: str


@dataclass(frozen=True)
class Exercise:
    name: str                 # the name the learner defines
    chapter: str              # chapter id
    points: int
    hint: str                 # replaces the solution in the learner's stub; following it passes
    equals: str               # what it must equal, in words (shown in messages and `list`)
    # The answer key: a Keras object ("keras.losses.huber"), or an object defined
    # in a checks module ("autograder.checks.metrics.confusion_counts") whose source
    # uses only `keras`, `ops` and `np` (it is sent, as text, to the answer key's process).
    reference: str
    # The function building the checks: "module.name" under autograder/checks/,
    # called as fn(exercise, rng, hidden) -> list[Check].
    checks: str
    # Keras objects the exercise may not call: using them is answering the
    # exercise with its own counterpart, and scores 0 for that exercise.
    forbidden: tuple[str, ...] = field(default_factory=tuple)


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("01", "01_losses_and_metrics", "Losses and metrics"),
    Chapter("02", "02_regression_losses", "Regression losses"),
    Chapter("03", "03_classification_losses", "Classification losses"),
    Chapter("04", "04_probabilistic_and_count_losses", "Probabilistic and count losses"),
    Chapter("05", "05_imbalanced_data", "Imbalanced data"),
    Chapter("06", "06_metrics", "Metrics"),
    Chapter("07", "07_loss_mechanics", "Loss mechanics"),
    Chapter("08", "08_custom_losses_and_metrics", "Custom losses and metrics"),
    Chapter("09", "09_diagnosing_training", "Diagnosing training"),
)

EXERCISES: tuple[Exercise, ...] = (
    Exercise('binary_accuracy', '01', points=10,
             hint='Threshold the scores (strictly above counts as 1), compare with y_true, and return '
             'the 0/1 matches as floats, one per element (no averaging).',
             equals='keras.metrics.binary_accuracy',
             reference='keras.metrics.binary_accuracy',
             checks='losses.BINARY_ACCURACY',
             forbidden=('keras.metrics.binary_accuracy', 'keras.metrics.BinaryAccuracy')),
    Exercise('mse', '02', points=10,
             hint='Line up the ranks first, as Keras does: if one input has shape (n,) and the other (n, 1), '
             'expand the (n,) one with keras.ops.expand_dims(x, -1). '
             'Then square the error and take keras.ops.mean over axis=-1.',
             equals='keras.losses.mean_squared_error',
             reference='keras.losses.mean_squared_error',
             checks='losses.MSE',
             forbidden=('keras.losses.mean_squared_error', 'keras.losses.MeanSquaredError')),
    Exercise('mae', '02', points=10,
             hint='Line up the ranks first, as Keras does: if one input has shape (n,) and the other (n, 1), '
             'expand the (n,) one with keras.ops.expand_dims(x, -1). '
             'Then take the absolute error and keras.ops.mean over axis=-1.',
             equals='keras.losses.mean_absolute_error',
             reference='keras.losses.mean_absolute_error',
             checks='losses.MAE',
             forbidden=('keras.losses.mean_absolute_error', 'keras.losses.MeanAbsoluteError')),
    Exercise('huber', '02', points=10,
             hint='Line up the ranks first, as Keras does: if one input has shape (n,) and the other (n, 1), '
             'expand the (n,) one with keras.ops.expand_dims(x, -1). '
             'Then quadratic 0.5*e**2 where |e| <= delta, linear delta*(|e| - 0.5*delta) '
             'beyond (keras.ops.where picks), and keras.ops.mean over axis=-1.',
             equals='keras.losses.huber',
             reference='keras.losses.huber',
             checks='losses.HUBER',
             forbidden=('keras.losses.huber', 'keras.losses.Huber')),
    Exercise('log_cosh', '02', points=10,
             hint='Line up the ranks first, as Keras does: if one input has shape (n,) and the other (n, 1), '
             'expand the (n,) one with keras.ops.expand_dims(x, -1). '
             'Then use log(cosh(e)) = e + softplus(-2e) - log(2) (cosh overflows), with log(2) '
             'in the inputs\' dtype, and keras.ops.mean over axis=-1.',
             equals='keras.losses.log_cosh',
             reference='keras.losses.log_cosh',
             checks='losses.LOG_COSH',
             forbidden=('keras.losses.log_cosh', 'keras.losses.LogCosh')),
    Exercise('binary_crossentropy', '03', points=10,
             hint='Smooth the labels first (y*(1 - s) + 0.5*s). Clip probabilities to [epsilon, 1 - epsilon] '
             'before the log; with from_logits use the stable form max(x, 0) - x*y + log(1 + exp(-|x|)). '
             'Average over the last axis.',
             equals='keras.losses.binary_crossentropy',
             reference='keras.losses.binary_crossentropy',
             checks='classification.BINARY_CROSSENTROPY',
             forbidden=('keras.losses.binary_crossentropy', 'keras.losses.BinaryCrossentropy', 'keras.ops.binary_crossentropy')),
    Exercise('categorical_crossentropy', '03', points=10,
             hint='Smooth the labels first (y*(1 - s) + s/num_classes); then log_softmax with '
             'from_logits, else normalise the probabilities, clip, log; return -sum(y*log(p)) over'
             ' the last axis.',
             equals='keras.losses.categorical_crossentropy',
             reference='keras.losses.categorical_crossentropy',
             checks='classification.CATEGORICAL_CROSSENTROPY',
             forbidden=('keras.losses.categorical_crossentropy', 'keras.losses.CategoricalCrossentropy', 'keras.ops.categorical_crossentropy')),
    Exercise('sparse_categorical_crossentropy', '03', points=10,
             hint='Squeeze only a trailing label axis of size 1 (never flatten), cast to int, one-hot to '
             'y_pred\'s last axis, then reuse categorical crossentropy. With ignore_class, compute the '
             'loss with those labels set to 0, then keras.ops.where(labels == ignore_class, 0, loss).',
             equals='keras.losses.sparse_categorical_crossentropy',
             reference='keras.losses.sparse_categorical_crossentropy',
             checks='classification.SPARSE_CATEGORICAL_CROSSENTROPY',
             forbidden=('keras.losses.sparse_categorical_crossentropy', 'keras.losses.SparseCategoricalCrossentropy', 'keras.ops.sparse_categorical_crossentropy')),
    Exercise('hinge', '03', points=10,
             hint='If every label is 0 or 1, map them to -1/+1 (keras.ops.where, not a Python if); then'
             ' mean of max(1 - y*y_pred, 0) over the last axis.',
             equals='keras.losses.hinge',
             reference='keras.losses.hinge',
             checks='classification.HINGE',
             forbidden=('keras.losses.hinge', 'keras.losses.Hinge')),
    Exercise('poisson', '04', points=10,
             hint="Cast y_true to y_pred's dtype, then mean(y_pred - y_true * log(y_pred + epsilon)) "
             'over the last axis.',
             equals='keras.losses.poisson',
             reference='keras.losses.poisson',
             checks='classification.POISSON',
             forbidden=('keras.losses.poisson', 'keras.losses.Poisson')),
    Exercise('kl_divergence', '04', points=10,
             hint="Cast y_true to y_pred's dtype, clip both to [epsilon, 1], then sum(y_true * "
             'log(y_true / y_pred)) over the last axis.',
             equals='keras.losses.kl_divergence',
             reference='keras.losses.kl_divergence',
             checks='classification.KL_DIVERGENCE',
             forbidden=('keras.losses.kl_divergence', 'keras.losses.KLDivergence')),
    Exercise('binary_focal_crossentropy', '05', points=10,
             hint='Smooth the labels (y*(1 - s) + 0.5*s). Crossentropy: clipped as in binary_crossentropy, or, '
             'with from_logits, the stable form max(x, 0) - x*y + log(1 + exp(-|x|)) and p = sigmoid(x). '
             'Times (1 - p_t)**gamma with p_t = y*p + (1 - y)*(1 - p); with apply_class_balancing '
             'also times alpha*y + (1 - alpha)*(1 - y). Average over the last axis.',
             equals='keras.losses.binary_focal_crossentropy',
             reference='keras.losses.binary_focal_crossentropy',
             checks='classification.BINARY_FOCAL_CROSSENTROPY',
             forbidden=('keras.losses.binary_focal_crossentropy', 'keras.losses.BinaryFocalCrossentropy')),
    Exercise('balanced_class_weight', '05', points=10,
             hint='Count each label with np.unique(np.asarray(y), return_counts=True). A label\'s weight is '
             'n_samples / (n_classes * its count), so rare labels weigh more. Return a dict with one entry '
             'per label present, keyed by the label itself as a Python int (not 0..k-1, not a float).',
             equals="scikit-learn's compute_class_weight('balanced', ...) as a {label: weight} dict",
             reference='autograder.checks.imbalance.balanced_class_weight',
             checks='imbalance.balanced_class_weight_checks',
             forbidden=('sklearn.utils.class_weight.compute_class_weight',)),
    Exercise('confusion_counts', '06', points=10,
             hint='Flatten both inputs; a score is positive when strictly above the threshold; each cell adds '
             'the sample weights (1 without). For a list of thresholds, return one array per count with a '
             'value per threshold.',
             equals='keras.metrics.TruePositives/FalsePositives/FalseNegatives/TrueNegatives',
             reference='autograder.checks.metrics.confusion_counts',
             checks='metrics.confusion_counts_checks',
             forbidden=('keras.metrics.TruePositives', 'keras.metrics.FalsePositives', 'keras.metrics.FalseNegatives', 'keras.metrics.TrueNegatives')),
    Exercise('precision_recall_f1', '06', points=10,
             hint='Build on confusion_counts (same threshold and sample_weight); keras.ops.divide_no_nan gives '
             '0.0 where a ratio would be 0/0; f1 = divide_no_nan(2*p*r, p + r).',
             equals='keras.metrics.Precision, Recall and F1Score',
             reference='autograder.checks.metrics.precision_recall_f1',
             checks='metrics.precision_recall_f1_checks',
             forbidden=('keras.metrics.Precision', 'keras.metrics.Recall', 'keras.metrics.F1Score', 'keras.metrics.FBetaScore', 'keras.metrics.TruePositives', 'keras.metrics.FalsePositives', 'keras.metrics.FalseNegatives', 'keras.metrics.TrueNegatives')),
    Exercise('threshold_for_recall', '06', points=10,
             hint='thresholds = np.arange(num_thresholds) / (num_thresholds - 1); predicted = scores > t '
             'for each t (a (thresholds, scores) boolean array); count tp and fp per threshold; recall = '
             'tp / (number of positives), precision = tp / (tp + fp), each 0.0 when its denominator is 0; '
             'keep the thresholds with recall >= target_recall; return (0.0, 0.0) if there are none, else '
             'the best precision among them and the highest kept threshold whose precision equals it.',
             equals='keras.metrics.PrecisionAtRecall(target_recall, num_thresholds), with the threshold '
             'where it operates',
             reference='autograder.checks.thresholds.threshold_for_recall',
             checks='thresholds.threshold_for_recall_checks',
             forbidden=('keras.metrics.PrecisionAtRecall', 'keras.metrics.RecallAtPrecision')),
    Exercise('reduce_loss', '07', points=10,
             hint="Cast the weights to the losses' dtype; if their ranks differ by one, add a trailing "
             "axis of size 1 to the side that lacks it; multiply. 'none' returns that, 'sum' sums "
             'it, the means divide the sum with keras.ops.divide_no_nan by the number of values '
             "(by the sum of the weights for 'mean_with_sample_weight' when there are weights).",
             equals="Keras' reduction of weighted per-sample losses",
             reference='autograder.checks.mechanics.reduce_loss',
             checks='mechanics.reduce_loss_checks',
             forbidden=('keras.src.losses.loss.reduce_weighted_values', 'keras.src.losses.loss.reduce_values')),
    Exercise('mse_l1', '08', points=10,
             hint='keras.ops.mean of the squared error plus 0.5 times keras.ops.mean of the absolute '
             'error, both with axis=-1.',
             equals='mean((y_true - y_pred)**2) + 0.5 * mean(|y_true - y_pred|) over the last axis',
             reference='autograder.checks.custom.mse_l1',
             checks='custom.MSE_L1'),
    Exercise('WeightedMSE', '08', points=10,
             hint='Subclass keras.losses.Loss: store high_penalty in __init__ (pass name and **kwargs '
             "to super().__init__), return {**super().get_config(), 'high_penalty': ...} from "
             'get_config, and in call() return keras.ops.mean(square(y_true - y_pred) * w, '
             "axis=-1) with w = keras.ops.where(y_true > 0.5, high_penalty, 1.0) cast to y_pred's "
             'dtype.',
             equals='mean((y_true - y_pred)**2 * w) over the last axis, w = high_penalty where y_true > 0.5',
             reference='autograder.checks.custom.WeightedMSE',
             checks='custom.weighted_mse_checks'),
    Exercise('F1Score', '08', points=10,
             hint="Keep tp, fp and fn in self.add_variable(shape=(), initializer='zeros') variables; in"
             ' update_state reshape both inputs to (-1,), count a score as positive when > '
             'threshold, and assign_add the three counts; reset_state assigns 0.0 to each; '
             'result() returns keras.ops.divide_no_nan(2*tp, 2*tp + fp + fn).',
             equals='keras.metrics.F1Score(threshold=0.5), pooled over every batch',
             reference='autograder.checks.custom.F1Score',
             checks='custom.f1_score_checks',
             forbidden=('keras.metrics.F1Score', 'keras.metrics.FBetaScore')),
    Exercise('diagnose', '09', points=10,
             hint='Read only history["loss"] and history["val_loss"], as float arrays L and V (np.asarray, so '
             'lists, tuples and arrays all work), n = len(L), t = max(1, n // 3). Test the five rules of '
             'the chapter in their order, with their exact thresholds (learning rate too high: a '
             'non-finite value, a later loss above L[0], or rises of more than 10% in at least (n - 1) / 3 '
             'steps; then leakage, overfitting, underfitting), and return the first that fires, else '
             '"healthy".',
             equals='the first of the five rules of chapter 09 that fires, as one of "healthy", '
             '"underfitting", "overfitting", "learning_rate_too_high", "leakage_suspected"',
             reference='autograder.checks.diagnosis.diagnose',
             checks='diagnosis.diagnose_checks'),
)


def chapter(chapter_id: str) -> Chapter:
    """The chapter with this id ("2" and "02" both work)."""
    wanted = str(chapter_id).zfill(2)
    for ch in CHAPTERS:
        if ch.id == wanted:
            return ch
    raise KeyError(f"no chapter {chapter_id!r}; chapters are {', '.join(c.id for c in CHAPTERS)}")


def exercise(name: str) -> Exercise:
    for ex in EXERCISES:
        if ex.name == name:
            return ex
    raise KeyError(f"no exercise {name!r}")


def exercises_for(chapter_id: str) -> list[Exercise]:
    wanted = chapter(chapter_id).id
    return [ex for ex in EXERCISES if ex.chapter == wanted]


def chapter_for_slug(stem: str) -> Chapter | None:
    """The chapter whose file stem is `stem` (or starts with its id), if any."""
    for ch in CHAPTERS:
        if stem == ch.slug or stem.startswith(ch.id + "_"):
            return ch
    return None
