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
    # Library objects the exercise may not call: its Keras counterpart first, then the ready-made
    # equivalents shipped beside it (TensorFlow's, Keras's aliases and internal copies, scikit-learn's;
    # tests/checks/test_shortcut_equivalents.py finds them in the installed libraries). Calling one is answering
    # the exercise with its own counterpart, and scores 0 for that exercise.
    forbidden: tuple[str, ...] = field(default_factory=tuple)
    # What the exercise's text promises, property by property: {check key: a phrase that appears
    # word for word in the exercise's text in its chapter}. Every check key is stated here and every
    # statement has a check (tests/unit/test_property_audit.py).
    states: dict = field(default_factory=dict)
    # Seconds one call of a correct answer may need when it trains a model (0: the grader's
    # --call-seconds alone). The grader allows the larger of the two.
    call_seconds: int = 0


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
    Chapter("10", "10_evaluating_and_calibrating", "Evaluating honestly and calibrating"),
    Chapter("11", "11_capstone", "Capstone: a decision under costs"),
)

# The sentence every chapter-02 exercise ends with, property by property.
REGRESSION_STATES = {
    'values': 'its values on float32 batches (one value per sample)',
    'edges': 'the edge cases (zero error, errors of 1000 and more, a single output per sample)',
    'float64': 'float64 inputs give float64-accurate values and a float64 result',
    'rank3': 'inputs of rank 3 give one value per sample',
    'rank-alignment': '`y_true` of shape `(n,)` with `y_pred` of shape `(n, 1)` lined up as Keras does',
    'graph': 'the values and gradient inside `tf.function`',
    'fit': 'training with `model.compile(loss=...)` and `fit`'}

EXERCISES: tuple[Exercise, ...] = (
    Exercise('binary_accuracy', '01', points=10,
             hint='Threshold the scores (strictly above counts as 1), compare with y_true, and return '
             'the 0/1 matches cast to keras.config.floatx() (float32, as Keras does), one per element (no averaging).',
             equals='keras.metrics.binary_accuracy',
             reference='keras.metrics.binary_accuracy',
             checks='losses.BINARY_ACCURACY',
             forbidden=('keras.metrics.binary_accuracy', 'keras.metrics.BinaryAccuracy'),
             states={
                     'values': 'It must return what `keras.metrics.binary_accuracy` returns',
                     'edges': 'a score counts as a prediction of 1 only when it is **strictly above** `threshold`',
                     'float64': "the result is a float32 array (`keras.config.floatx()`), also for float64 inputs",
                     'rank3': 'for inputs of rank 2 or 3',
                     'option:threshold': 'for any `threshold` (the checks use 0.25, 0.5 and 0.75)',
                     'graph': 'so it also works on tensors inside a `tf.function`'}),
    Exercise('mse', '02', points=10,
             hint='Line up the ranks first, as Keras does: if one input has shape (n,) and the other (n, 1), '
             'expand the (n,) one with keras.ops.expand_dims(x, -1). '
             'Then square the error and take keras.ops.mean over axis=-1.',
             equals='keras.losses.mean_squared_error',
             reference='keras.losses.mean_squared_error',
             checks='losses.MSE',
             forbidden=('keras.losses.mean_squared_error', 'keras.losses.MeanSquaredError',
                        'tensorflow.keras.losses.mse', 'tensorflow.keras.losses.MSE', 'keras.metrics.MeanSquaredError',
                        'tensorflow.compat.v1.losses.mean_squared_error', 'sklearn.metrics.mean_squared_error'),
             states=REGRESSION_STATES),
    Exercise('mae', '02', points=10,
             hint='Line up the ranks first, as Keras does: if one input has shape (n,) and the other (n, 1), '
             'expand the (n,) one with keras.ops.expand_dims(x, -1). '
             'Then take the absolute error and keras.ops.mean over axis=-1.',
             equals='keras.losses.mean_absolute_error',
             reference='keras.losses.mean_absolute_error',
             checks='losses.MAE',
             forbidden=('keras.losses.mean_absolute_error', 'keras.losses.MeanAbsoluteError',
                        'tensorflow.keras.losses.mae', 'tensorflow.keras.losses.MAE', 'keras.metrics.MeanAbsoluteError',
                        'tensorflow.compat.v1.losses.absolute_difference', 'sklearn.metrics.mean_absolute_error',
                        'sklearn.metrics.mean_pinball_loss'),          # alpha=0.5 gives half the MAE
             states=REGRESSION_STATES),
    Exercise('huber', '02', points=10,
             hint='Line up the ranks first, as Keras does: if one input has shape (n,) and the other (n, 1), '
             'expand the (n,) one with keras.ops.expand_dims(x, -1). '
             'Then quadratic 0.5*e**2 where |e| <= delta, linear delta*(|e| - 0.5*delta) '
             'beyond (keras.ops.where picks), and keras.ops.mean over axis=-1.',
             equals='keras.losses.huber',
             reference='keras.losses.huber',
             checks='losses.HUBER',
             forbidden=('keras.losses.huber', 'keras.losses.Huber', 'tensorflow.compat.v1.losses.huber_loss'),
             states={**REGRESSION_STATES,
                     'option:delta': 'It must equal `keras.losses.huber` for any `delta`'}),
    Exercise('log_cosh', '02', points=10,
             hint='Line up the ranks first, as Keras does: if one input has shape (n,) and the other (n, 1), '
             'expand the (n,) one with keras.ops.expand_dims(x, -1). '
             'Then use log(cosh(e)) = e + softplus(-2e) - log(2) (cosh overflows), with log(2) '
             'in the inputs\' dtype, and keras.ops.mean over axis=-1.',
             equals='keras.losses.log_cosh',
             reference='keras.losses.log_cosh',
             checks='losses.LOG_COSH',
             forbidden=('keras.losses.log_cosh', 'keras.losses.LogCosh', 'tensorflow.keras.losses.logcosh', 'keras.metrics.LogCoshError'),
             states=REGRESSION_STATES),
    Exercise('binary_crossentropy', '03', points=10,
             hint='Smooth the labels first (y*(1 - s) + 0.5*s). Clip probabilities to [epsilon, 1 - epsilon] '
             'before the log; with from_logits use the stable form max(x, 0) - x*y + log(1 + exp(-|x|)). '
             'Average over the last axis.',
             equals='keras.losses.binary_crossentropy',
             reference='keras.losses.binary_crossentropy',
             checks='classification.BINARY_CROSSENTROPY',
             forbidden=('keras.losses.binary_crossentropy', 'keras.losses.BinaryCrossentropy', 'keras.ops.binary_crossentropy',
                        'keras.metrics.BinaryCrossentropy', 'tensorflow.keras.backend.binary_crossentropy',
                        'keras.losses.binary_focal_crossentropy', 'keras.losses.BinaryFocalCrossentropy',
                        'tensorflow.keras.backend.binary_focal_crossentropy', 'keras.src.ops.nn.BinaryCrossentropy',
                        'keras.src.backend.tensorflow.nn.binary_crossentropy', 'tensorflow.nn.sigmoid_cross_entropy_with_logits',
                        'tensorflow.nn.weighted_cross_entropy_with_logits', 'tensorflow.compat.v1.nn.sigmoid_cross_entropy_with_logits',
                        'tensorflow.compat.v1.nn.weighted_cross_entropy_with_logits', 'tensorflow.compat.v1.losses.sigmoid_cross_entropy',
                        'tensorflow.compat.v1.losses.log_loss', 'sklearn.metrics.log_loss'),
             states={
                     'values': 'must equal `keras.losses.binary_crossentropy` with the same arguments',
                     'edges': 'probabilities of exactly 0 and 1 must give finite values',
                     'float64': 'float64 inputs give float64-accurate values and a float64 result',
                     'rank3': 'inputs of rank 3 give one value per sample',
                     'option:from_logits': 'with `from_logits=True`, use the stable form',
                     'option:label_smoothing': '`label_smoothing` first',
                     'graph': 'the values and gradient inside `tf.function`',
                     'fit': 'training with `model.compile(loss=...)` and `fit`'}),
    Exercise('categorical_crossentropy', '03', points=10,
             hint='Smooth the labels first (y*(1 - s) + s/num_classes); then log_softmax with '
             'from_logits, else normalise the probabilities, clip, log; return -sum(y*log(p)) over'
             ' the last axis.',
             equals='keras.losses.categorical_crossentropy',
             reference='keras.losses.categorical_crossentropy',
             checks='classification.CATEGORICAL_CROSSENTROPY',
             forbidden=('keras.losses.categorical_crossentropy', 'keras.losses.CategoricalCrossentropy', 'keras.ops.categorical_crossentropy',
                        'keras.metrics.CategoricalCrossentropy', 'tensorflow.keras.backend.categorical_crossentropy',
                        'keras.losses.categorical_focal_crossentropy', 'keras.losses.CategoricalFocalCrossentropy',
                        'tensorflow.keras.backend.categorical_focal_crossentropy', 'keras.src.ops.nn.CategoricalCrossentropy',
                        'keras.src.backend.tensorflow.nn.categorical_crossentropy', 'tensorflow.nn.softmax_cross_entropy_with_logits',
                        'tensorflow.compat.v1.nn.softmax_cross_entropy_with_logits', 'tensorflow.compat.v1.nn.softmax_cross_entropy_with_logits_v2',
                        'tensorflow.compat.v1.losses.softmax_cross_entropy', 'tensorflow.raw_ops.SoftmaxCrossEntropyWithLogits',
                        'sklearn.metrics.log_loss'),
             states={
                     'values': 'must equal `keras.losses.categorical_crossentropy` with the same arguments',
                     'edges': 'a probability of exactly 0 must give a finite value',
                     'float64': 'float64 inputs give float64-accurate values and a float64 result',
                     'rank3': 'inputs of rank 3 give one value per sample',
                     'option:from_logits': 'with `from_logits=True`, use `keras.ops.log_softmax` (logits of ±50 must stay finite)',
                     'option:label_smoothing': 'with $K$ the size of the last axis',
                     'graph': 'the values and gradient inside `tf.function`',
                     'fit': 'training with `model.compile(loss=...)` and `fit`'}),
    Exercise('sparse_categorical_crossentropy', '03', points=10,
             hint='Squeeze only a trailing label axis of size 1 (never flatten), cast to int, one-hot to '
             'y_pred\'s last axis, then reuse categorical crossentropy. With ignore_class, compute the '
             'loss with those labels set to 0, then keras.ops.where(labels == ignore_class, 0, loss).',
             equals='keras.losses.sparse_categorical_crossentropy',
             reference='keras.losses.sparse_categorical_crossentropy',
             checks='classification.SPARSE_CATEGORICAL_CROSSENTROPY',
             forbidden=('keras.losses.sparse_categorical_crossentropy', 'keras.losses.SparseCategoricalCrossentropy',
                        'keras.ops.sparse_categorical_crossentropy', 'keras.metrics.SparseCategoricalCrossentropy',
                        'tensorflow.keras.backend.sparse_categorical_crossentropy', 'keras.src.ops.nn.SparseCategoricalCrossentropy',
                        'keras.src.backend.tensorflow.nn.sparse_categorical_crossentropy',
                        'tensorflow.nn.sparse_softmax_cross_entropy_with_logits', 'tensorflow.compat.v1.nn.sparse_softmax_cross_entropy_with_logits',
                        'tensorflow.compat.v1.losses.sparse_softmax_cross_entropy', 'tensorflow.raw_ops.SparseSoftmaxCrossEntropyWithLogits',
                        'sklearn.metrics.log_loss'),
             states={
                     'values': 'must equal `keras.losses.sparse_categorical_crossentropy` with the same arguments',
                     'edges': 'then the same computation as Exercise 3.2 (normalise, clip and log',
                     'float64': 'float64 inputs give float64-accurate values and a float64 result',
                     'rank3': 'labels `(2, 3)` with predictions `(2, 3, 4)` must keep their shape',
                     'label-shapes': 'or that shape with a trailing axis of size 1, `(n, 1)`, which must give the same result',
                     'option:from_logits': 'or `log_softmax` with `from_logits=True`',
                     'option:ignore_class': 'with `ignore_class=c`, positions labelled `c` give a loss of exactly 0',
                     'graph': 'the values and gradient inside `tf.function`',
                     'fit': 'training with `model.compile(loss=...)` and `fit`'}),
    Exercise('hinge', '03', points=10,
             hint='If every label is 0 or 1, map them to -1/+1 (keras.ops.where, not a Python if); then'
             ' mean of max(1 - y*y_pred, 0) over the last axis.',
             equals='keras.losses.hinge',
             reference='keras.losses.hinge',
             checks='classification.HINGE',
             forbidden=('keras.losses.hinge', 'keras.losses.Hinge', 'keras.metrics.Hinge',
                        'tensorflow.compat.v1.losses.hinge_loss', 'sklearn.metrics.hinge_loss'),
             states={
                     'values': 'must equal `keras.losses.hinge`',
                     'edges': 'otherwise (labels already −1/+1) they are used as they are',
                     'float64': 'float64 inputs give float64-accurate values and a float64 result',
                     'rank3': 'inputs of rank 3 give one value per sample',
                     'graph': 'so that it works inside `tf.function`',
                     'fit': 'training with `model.compile(loss=...)` and `fit`'}),
    Exercise('poisson', '04', points=10,
             hint="Cast y_true to y_pred's dtype, then mean(y_pred - y_true * log(y_pred + epsilon)) "
             'over the last axis.',
             equals='keras.losses.poisson',
             reference='keras.losses.poisson',
             checks='classification.POISSON',
             forbidden=('keras.losses.poisson', 'keras.losses.Poisson', 'keras.metrics.Poisson', 'tensorflow.nn.log_poisson_loss'),
             states={
                     'values': 'must equal `keras.losses.poisson`',
                     'edges': 'a predicted rate of exactly 0 must give a finite value',
                     'float64': 'float64 inputs give float64-accurate values and a float64 result',
                     'rank3': 'inputs of rank 3 give one value per sample',
                     'graph': 'the values and gradient inside `tf.function`',
                     'fit': 'The checks train a model with two `exponential` outputs on counts.'}),
    Exercise('kl_divergence', '04', points=10,
             hint="Cast y_true to y_pred's dtype, clip both to [epsilon, 1], then sum(y_true * "
             'log(y_true / y_pred)) over the last axis.',
             equals='keras.losses.kl_divergence',
             reference='keras.losses.kl_divergence',
             checks='classification.KL_DIVERGENCE',
             forbidden=('keras.losses.kl_divergence', 'keras.losses.KLDivergence', 'keras.metrics.KLDivergence',
                        'tensorflow.keras.losses.kld', 'tensorflow.keras.losses.KLD', 'tensorflow.keras.losses.kullback_leibler_divergence'),
             states={
                     'values': 'must equal `keras.losses.kl_divergence`',
                     'edges': 'Zeros in `y_true` must not give `nan`',
                     'float64': 'float64 inputs give float64-accurate values and a float64 result',
                     'rank3': 'inputs of rank 3 give one value per sample',
                     'graph': 'the values and gradient inside `tf.function`',
                     'fit': 'The checks train a model with three `softmax` outputs on soft targets.'}),
    Exercise('binary_focal_crossentropy', '05', points=10,
             hint='Smooth the labels (y*(1 - s) + 0.5*s). Crossentropy: clipped as in binary_crossentropy, or, '
             'with from_logits, the stable form max(x, 0) - x*y + log(1 + exp(-|x|)) and p = sigmoid(x). '
             'Times (1 - p_t)**gamma with p_t = y*p + (1 - y)*(1 - p); with apply_class_balancing '
             'also times alpha*y + (1 - alpha)*(1 - y). Average over the last axis.',
             equals='keras.losses.binary_focal_crossentropy',
             reference='keras.losses.binary_focal_crossentropy',
             checks='classification.BINARY_FOCAL_CROSSENTROPY',
             forbidden=('keras.losses.binary_focal_crossentropy', 'keras.losses.BinaryFocalCrossentropy',
                        'tensorflow.keras.backend.binary_focal_crossentropy'),
             states={
                     'values': 'must equal `keras.losses.binary_focal_crossentropy` with the same arguments',
                     'edges': 'so that probabilities of exactly 0 and 1 give finite values',
                     'float64': 'float32 and float64 inputs must both give results accurate to their precision',
                     'rank3': 'for inputs of shape `(n, d)`, `(n, m, d)` or `(n, 1)`',
                     'option:apply_class_balancing': 'With `apply_class_balancing=True`, multiply by',
                     'option:gamma': 'With `gamma=0` the result is plain binary crossentropy.',
                     'option:from_logits': 'a logit of 50 with label 0 must give 50',
                     'option:label_smoothing': 'If `label_smoothing` $s > 0$, smooth the labels first',
                     'graph': "run your loss inside `tf.function` and compare its gradient with Keras'",
                     'fit': 'train a small model with it in `model.compile(loss=...)`'}),
    Exercise('balanced_class_weight', '05', points=10,
             hint='Count each label with np.unique(np.asarray(y), return_counts=True). A label\'s weight is '
             'n_samples / (n_classes * its count), so rare labels weigh more. Return a dict with one entry '
             'per label present, keyed by the label itself as a Python int (not 0..k-1, not a float).',
             equals="scikit-learn's compute_class_weight('balanced', ...) as a {label: weight} dict",
             reference='answer_key.imbalance.balanced_class_weight',
             checks='imbalance.balanced_class_weight_checks',
             forbidden=('sklearn.utils.class_weight.compute_class_weight', 'sklearn.utils.class_weight.compute_sample_weight'),
             states={'values': 'Each weight is $n / (k \\cdot n_c)$',
                     'keys': 'The keys are the labels themselves as Python `int`s',
                     'list': 'A Python list gives the same dict as the same labels in an array'}),
    Exercise('confusion_counts', '06', points=10,
             hint='Flatten both inputs; a score is positive when strictly above the threshold; each cell adds '
             'the sample weights (1 without). For a list of thresholds, return one array per count with a '
             'value per threshold.',
             equals='keras.metrics.TruePositives/FalsePositives/FalseNegatives/TrueNegatives',
             reference='answer_key.metrics.confusion_counts',
             checks='metrics.confusion_counts_checks',
             states={'values': 'every element is one prediction (flatten both)',
                     'returns-tuple': 'it returns a Python tuple of four counts',
                     'ties': 'a score exactly equal to it is a negative prediction',
                     'empty-class': 'the counts are simply 0 where nothing falls',
                     'float64': 'it works on float32 and float64 inputs',
                     'thresholds-list': 'count is an array with one value per threshold',
                     'sample-weight': 'each prediction adds its weight, not 1, to its cell',
                     'graph': 'it works on NumPy arrays and on tensors, and inside `tf.function`'},
             forbidden=('keras.metrics.TruePositives', 'keras.metrics.FalsePositives', 'keras.metrics.FalseNegatives', 'keras.metrics.TrueNegatives',
                        'tensorflow.math.confusion_matrix', 'tensorflow.compat.v1.math.confusion_matrix',
                        'keras.src.metrics.metrics_utils.confusion_matrix', 'keras.src.metrics.metrics_utils.update_confusion_matrix_variables',
                        'sklearn.metrics.confusion_matrix', 'sklearn.metrics.multilabel_confusion_matrix')),
    Exercise('precision_recall_f1', '06', points=10,
             hint='Build on confusion_counts (same threshold and sample_weight); keras.ops.divide_no_nan gives '
             '0.0 where a ratio would be 0/0; f1 = divide_no_nan(2*p*r, p + r).',
             equals='keras.metrics.Precision, Recall and F1Score',
             reference='answer_key.metrics.precision_recall_f1',
             checks='metrics.precision_recall_f1_checks',
             states={'values': 'where precision and recall are what',
                     'returns-tuple': 'it returns a Python tuple of three values',
                     'ties': 'a score exactly equal to the threshold is a negative prediction',
                     'zero-division': 'never NaN',
                     'float64': 'it works on float32 and float64 inputs',
                     'thresholds-list': 'each result is an array with one value per threshold',
                     'sample-weight': "weights each prediction's contribution to the counts",
                     'graph': 'it works on NumPy arrays and on tensors, and inside `tf.function`'},
             forbidden=('keras.metrics.Precision', 'keras.metrics.Recall', 'keras.metrics.F1Score', 'keras.metrics.FBetaScore',
                        'keras.metrics.TruePositives', 'keras.metrics.FalsePositives', 'keras.metrics.FalseNegatives', 'keras.metrics.TrueNegatives',
                        'sklearn.metrics.precision_score', 'sklearn.metrics.recall_score', 'sklearn.metrics.f1_score', 'sklearn.metrics.fbeta_score',
                        'sklearn.metrics.precision_recall_fscore_support', 'sklearn.metrics.classification_report',
                        'sklearn.metrics.precision_recall_curve', 'sklearn.metrics.roc_curve',
                        'tensorflow.math.confusion_matrix', 'tensorflow.compat.v1.math.confusion_matrix',
                        'keras.src.metrics.metrics_utils.confusion_matrix', 'keras.src.metrics.metrics_utils.update_confusion_matrix_variables',
                        'sklearn.metrics.confusion_matrix', 'sklearn.metrics.multilabel_confusion_matrix')),
    Exercise('threshold_for_recall', '06', points=10,
             hint='thresholds = np.arange(num_thresholds) / (num_thresholds - 1); predicted = scores > t '
             'for each t (a (thresholds, scores) boolean array); count tp and fp per threshold; recall = '
             'tp / (number of positives), precision = tp / (tp + fp), each 0.0 when its denominator is 0; '
             'keep the thresholds with recall >= target_recall; return (0.0, 0.0) if there are none, else '
             'the best precision among them and the highest kept threshold whose precision equals it.',
             equals='keras.metrics.PrecisionAtRecall(target_recall, num_thresholds), with the threshold '
             'where it operates',
             reference='answer_key.thresholds.threshold_for_recall',
             checks='thresholds.threshold_for_recall_checks',
             states={'values': 'the highest of them is the one to return',
                     'precision': 'reports a better precision from a lower threshold, and so must you',
                     'ties': 'A score exactly on a grid point is negative there',
                     'exact-target': '(a recall equal to the target qualifies)',
                     'zero-division': 'If no threshold qualifies (for example when there are no positive labels'},
             forbidden=('keras.metrics.PrecisionAtRecall', 'keras.metrics.RecallAtPrecision')),
    Exercise('reduce_loss', '07', points=10,
             hint="Cast the weights to the losses' dtype; if their ranks differ by one, add a trailing "
             "axis of size 1 to the side that lacks it; multiply. 'none' returns that, 'sum' sums "
             'it, the means divide the sum with keras.ops.divide_no_nan by the number of values '
             "(by the sum of the weights for 'mean_with_sample_weight' when there are weights).",
             equals="Keras' reduction of weighted per-sample losses",
             reference='answer_key.mechanics.reduce_loss',
             checks='mechanics.reduce_loss_checks',
             forbidden=('keras.src.losses.loss.reduce_weighted_values', 'keras.src.losses.loss.reduce_values',
                        'tensorflow.nn.compute_average_loss', 'tensorflow.compat.v1.losses.compute_weighted_loss'),
             states={'values': 'multiply the values by the weights, then handle all five reductions',
                     'weight-shape': 'When the ranks differ by one, add a trailing axis of size 1 to the side '
                                     'that lacks it, as Keras does',
                     'dtype': "compute in `per_sample`'s dtype",
                     'integer-weights': 'float or integer (cast it to the dtype of the values)',
                     'zero-division': 'return `0.0`, not `NaN`, when it would divide 0 by 0 (all weights 0)',
                     'batch-of-one': 'a batch of one must work too',
                     'tensors': 'as NumPy arrays or tensors',
                     'graph': "so it runs inside `tf.function` and its gradient with respect to `sample_weight` "
                              "equals Keras'"}),
    Exercise('mse_l1', '08', points=10,
             hint='keras.ops.mean of the squared error plus 0.5 times keras.ops.mean of the absolute '
             'error, both with axis=-1.',
             equals='mean((y_true - y_pred)**2) + 0.5 * mean(|y_true - y_pred|) over the last axis',
             reference='answer_key.custom.mse_l1',
             checks='custom.MSE_L1',
             states={'values': 'both means over the **last axis only**',
                     'edges': 'stay finite and exact for errors as large as $10^4$',
                     'float64': 'float64 inputs give a float64 result, exact to float64 precision',
                     'rank3': 'inputs of shape `(n, m, d)` give `(n, m)`',
                     'graph': 'work inside `tf.function` with the same gradient as the formula',
                     'fit': 'train a model through `model.compile(loss=mse_l1)`'}),
    Exercise('WeightedMSE', '08', points=10,
             hint='Subclass keras.losses.Loss: store high_penalty in __init__ (pass name and **kwargs '
             "to super().__init__), return {**super().get_config(), 'high_penalty': ...} from "
             'get_config, and in call() return keras.ops.mean(square(y_true - y_pred) * w, '
             "axis=-1) with w = keras.ops.where(y_true > 0.5, high_penalty, 1.0) cast to y_pred's "
             'dtype.',
             equals='mean((y_true - y_pred)**2 * w) over the last axis, w = high_penalty where y_true > 0.5',
             reference='answer_key.custom.WeightedMSE',
             checks='custom.weighted_mse_checks',
             states={'values': '`call(y_true, y_pred)` returns the **per-sample** value',
                     'float64': "compute in `y_pred`'s dtype (cast the weights to it, or float64 inputs fail)",
                     'rank3': 'of shape `(n, d)` or `(n, m, d)`',
                     'ties': '(strictly: a target of exactly 0.5 gets weight 1)',
                     'reduction': 'calling the object must reduce like every Keras loss, with and without '
                                  '`sample_weight`',
                     'config': '`get_config()` returns the base config plus `"high_penalty"`, so that '
                               '`WeightedMSE.from_config(loss.get_config())` gives the same values',
                     'save-load': 'survives `model.save("....keras")` and `keras.models.load_model` with its '
                                  'penalty',
                     'fit': 'a model compiled with `loss=WeightedMSE(...)` trains with `fit`'}),
    Exercise('F1Score', '08', points=10,
             hint="Keep tp, fp and fn in self.add_variable(shape=(), initializer='zeros') variables; in"
             ' update_state reshape both inputs to (-1,), count a score as positive when > '
             'threshold, and assign_add the three counts; reset_state assigns 0.0 to each; '
             'result() returns keras.ops.divide_no_nan(2*tp, 2*tp + fp + fn).',
             equals='keras.metrics.F1Score(threshold=0.5), pooled over every batch, without sample weights',
             reference='answer_key.custom.F1Score',
             checks='custom.f1_score_checks',
             forbidden=('keras.metrics.F1Score', 'keras.metrics.FBetaScore',
                        'sklearn.metrics.f1_score', 'sklearn.metrics.fbeta_score', 'sklearn.metrics.precision_recall_fscore_support'),
             states={'values': '`result()` returns one number (shape `()`), $2\\,TP / (2\\,TP + FP + FN)$',
                     'stream': "it **adds** the batch's counts to the totals, so a stream of batches gives the "
                               'same result as one batch with all of them',
                     'reset': '`reset_state()` sets the three counts back to 0',
                     'zero-division': '**0.0** (not NaN) when that is 0/0, e.g. with no positives at all',
                     'ties': 'a score is positive when it is **strictly above** `threshold`',
                     'flat': 'takes 0/1 labels and scores of shape `(n,)` or `(n, 1)`',
                     'option:threshold': '`threshold` is the score a prediction must be above to count as '
                                         'positive',
                     'in-model': 'it works as a metric in `model.compile(metrics=[F1Score()])` and '
                                 '`model.evaluate`'}),
    Exercise('diagnose', '09', points=10,
             hint='Read only history["loss"] and history["val_loss"], as float arrays L and V (np.asarray, so '
             'lists, tuples and arrays all work), n = len(L), t = max(1, n // 3). Test the five rules of '
             'the chapter in their order, with their exact thresholds (learning rate too high: a '
             'non-finite value, a later loss above L[0], or rises of more than 10% in at least (n - 1) / 3 '
             'steps; then leakage: the mean of V over the last t epochs below half of noise_floor, whatever '
             'the training loss; then overfitting, underfitting), and return the first that fires, else '
             '"healthy".',
             equals='the first of the five rules of chapter 09 that fires, as one of "healthy", '
             '"underfitting", "overfitting", "learning_rate_too_high", "leakage_suspected"; leakage is judged '
             'against the noise floor passed as noise_floor, not against the training loss',
             reference='answer_key.diagnosis.diagnose',
             checks='diagnosis.diagnose_checks',
             states={'values': 'names its pattern, by the five rules of the section *From curves to rules*',
                     'healthy': '`"healthy"` otherwise',
                     'underfitting': '`"underfitting"`: `L[-1] > 0.8 * L[0]`',
                     'overfitting': '`"overfitting"`: (`argmin(V) < n - t` and `V[-1] > 1.2 * min(V)`) or '
                                    '`V[-1] > 2 * L[-1]`',
                     'learning_rate_too_high': '`"learning_rate_too_high"`: any value of `L` or `V` not finite',
                     'leakage_suspected': '`"leakage_suspected"`: `mean(V[-t:]) < 0.5 * noise_floor`, whatever '
                                          'the training loss',
                     'inputs': 'lists, tuples or NumPy arrays of positive numbers',
                     'strings': 'as a `str` spelled exactly as given'}),
    Exercise('expected_calibration_error', '10', points=10,
             hint='y = np.asarray(y_true, float).reshape(-1); p = np.asarray(y_prob, float).reshape(-1); '
             'index = np.minimum((p * n_bins).astype(int), n_bins - 1) (so 1.0 goes in the last bin); for '
             'each bin b with at least one sample, add (count / len(p)) * abs(y[in b].mean() - p[in b].mean()); '
             'skip empty bins; return the sum as a float.',
             equals='the expected calibration error of the positive-class probability: the sum over n_bins '
             'equal-width bins [i/n_bins, (i+1)/n_bins) of the bin\'s share times |mean label - mean probability|',
             reference='answer_key.calibration.expected_calibration_error',
             checks='calibration.expected_calibration_error_checks',
             states={'values': "the sum over the bins of the bin's share of the samples times "
                               '$|\\text{mean label} - \\text{mean probability}|$',
                     'empty-bins': 'an empty bin contributes nothing (never NaN)',
                     'edges': 'bin $i$ holds the probabilities $p$ with $i/B \\le p < (i+1)/B$',
                     'one': 'a probability of exactly 1.0 goes in the last bin',
                     'n_bins': '`n_bins` sets the number of bins $B$',
                     'inputs': '`y_prob` of shape `(n,)` or `(n, 1)` (what `model.predict` gives)'}),
    Exercise('decide', '11', points=10,
             hint='Seed first (keras.utils.set_random_seed(0)). Standardise every input with x_train\'s mean and '
             'standard deviation. Train a Dense(1, activation="sigmoid") model with binary crossentropy, '
             'Adam(0.05), 10 epochs, batch_size=100 and class_weight={0: cost_fp, 1: cost_fn} divided by their '
             'mean. On x_val, compute the expected cost (cost_fp*FP + cost_fn*FN) / n of each threshold '
             '0.01, 0.02, ..., 0.99 and keep the cheapest; return (probabilities on x_test > it) as 0/1 ints.',
             equals='decisions whose expected cost on held-out rows is close to the reference rule\'s '
             '(class weights from the costs, threshold chosen on validation)',
             reference='answer_key.capstone.decide',
             checks='capstone.decide_checks',
             states={'values': 'save at least 85% of what the reference saves',
                     'beats-baseline': 'at least 15% below the cost of the better trivial rule',
                     'cost-sensitive': 'at least 5% more of the rows must be decided 1',
                     'per-row': 'the same decisions for those rows (at most 2% may differ)'},
             call_seconds=90),
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
