"""The course's chapters and exercises: the one list everything else reads.

Release, self-check, grading, the `list` command, the book and the tests all
take chapter ids, exercise names, points, hints and forbidden shortcuts from
here. Nothing in this module imports Keras, so reading it is instant.
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
    kind: str                 # "loss", "counts", "prf", "reduction", "loss_class", "metric_class"
    points: int
    hint: str                 # shown in the learner's stub
    reference: str            # what it must equal, in words (shown in messages and `list`)
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
    Exercise("binary_accuracy", "01", "metric", 10,
             "Threshold the scores (strictly above counts as 1), compare with y_true, and "
             "return the 0/1 matches as floats, one per element (no averaging).",
             "keras.metrics.binary_accuracy",
             ("keras.metrics.binary_accuracy", "keras.metrics.BinaryAccuracy")),
    Exercise("mse", "02", "loss", 10,
             "Square the error, then take keras.ops.mean over axis=-1.",
             "keras.losses.mean_squared_error",
             ("keras.losses.mean_squared_error", "keras.losses.MeanSquaredError")),
    Exercise("mae", "02", "loss", 10,
             "Absolute error, then keras.ops.mean over axis=-1.",
             "keras.losses.mean_absolute_error",
             ("keras.losses.mean_absolute_error", "keras.losses.MeanAbsoluteError")),
    Exercise("huber", "02", "loss", 10,
             "Quadratic 0.5*e**2 where |e| <= delta, linear delta*(|e| - 0.5*delta) beyond; "
             "keras.ops.where picks between them.",
             "keras.losses.huber",
             ("keras.losses.huber", "keras.losses.Huber")),
    Exercise("log_cosh", "02", "loss", 10,
             "log(cosh(e)) overflows for large e: use e + softplus(-2e) - log(2).",
             "keras.losses.log_cosh",
             ("keras.losses.log_cosh", "keras.losses.LogCosh")),
    Exercise("binary_crossentropy", "03", "loss", 10,
             "Clip probabilities to [epsilon, 1 - epsilon] before the log; with from_logits "
             "use the stable form max(x, 0) - x*y + log(1 + exp(-|x|)).",
             "keras.losses.binary_crossentropy",
             ("keras.losses.binary_crossentropy", "keras.losses.BinaryCrossentropy",
              "keras.ops.binary_crossentropy")),
    Exercise("categorical_crossentropy", "03", "loss", 10,
             "Smooth the labels first (y*(1 - s) + s/num_classes); then log_softmax with from_logits, "
             "else normalise the probabilities, clip, log; return -sum(y*log(p)) over the last axis.",
             "keras.losses.categorical_crossentropy",
             ("keras.losses.categorical_crossentropy", "keras.losses.CategoricalCrossentropy",
              "keras.ops.categorical_crossentropy")),
    Exercise("sparse_categorical_crossentropy", "03", "loss", 10,
             "Squeeze only a trailing label axis of size 1 (never flatten), cast to int, one-hot to "
             "y_pred's last axis, then reuse categorical crossentropy.",
             "keras.losses.sparse_categorical_crossentropy",
             ("keras.losses.sparse_categorical_crossentropy",
              "keras.losses.SparseCategoricalCrossentropy", "keras.ops.sparse_categorical_crossentropy")),
    Exercise("hinge", "03", "loss", 10,
             "If every label is 0 or 1, map them to -1/+1 (keras.ops.where, not a Python if); "
             "then mean of max(1 - y*y_pred, 0) over the last axis.",
             "keras.losses.hinge",
             ("keras.losses.hinge", "keras.losses.Hinge")),
    Exercise("poisson", "04", "loss", 10,
             "Cast y_true to y_pred's dtype, then mean(y_pred - y_true * log(y_pred + epsilon)) "
             "over the last axis.",
             "keras.losses.poisson",
             ("keras.losses.poisson", "keras.losses.Poisson")),
    Exercise("kl_divergence", "04", "loss", 10,
             "Cast y_true to y_pred's dtype, clip both to [epsilon, 1], then "
             "sum(y_true * log(y_true / y_pred)) over the last axis.",
             "keras.losses.kl_divergence",
             ("keras.losses.kl_divergence", "keras.losses.KLDivergence")),
    Exercise("binary_focal_crossentropy", "05", "loss", 10,
             "Binary crossentropy times alpha_t * (1 - p_t)**gamma, averaged over the last axis.",
             "keras.losses.binary_focal_crossentropy(..., apply_class_balancing=True)",
             ("keras.losses.binary_focal_crossentropy", "keras.losses.BinaryFocalCrossentropy")),
    Exercise("confusion_counts", "06", "counts", 10,
             "A score is positive when strictly above the threshold; count the four cells.",
             "keras.metrics.TruePositives/FalsePositives/FalseNegatives/TrueNegatives",
             ("keras.metrics.TruePositives", "keras.metrics.FalsePositives",
              "keras.metrics.FalseNegatives", "keras.metrics.TrueNegatives")),
    Exercise("precision_recall_f1", "06", "prf", 10,
             "Build on confusion_counts; return 0.0 where a ratio would be 0/0.",
             "keras.metrics.Precision, Recall and F1Score",
             ("keras.metrics.Precision", "keras.metrics.Recall", "keras.metrics.F1Score",
              "keras.metrics.FBetaScore", "keras.metrics.TruePositives", "keras.metrics.FalsePositives",
              "keras.metrics.FalseNegatives", "keras.metrics.TrueNegatives")),
    Exercise("reduce_loss", "07", "reduction", 10,
             "Cast the weights to the losses' dtype; if their ranks differ by one, add a trailing "
             "axis of size 1 to the side that lacks it; multiply. 'none' returns that, 'sum' sums "
             "it, the means divide the sum with keras.ops.divide_no_nan by the number of values "
             "(by the sum of the weights for 'mean_with_sample_weight' when there are weights).",
             "Keras' reduction of weighted per-sample losses",
             ("keras.src.losses.loss.reduce_weighted_values", "keras.src.losses.loss.reduce_values")),
    Exercise("mse_l1", "08", "loss", 10,
             "keras.ops.mean of the squared error plus 0.5 times keras.ops.mean of the absolute "
             "error, both with axis=-1.",
             "mean((y_true - y_pred)**2) + 0.5 * mean(|y_true - y_pred|) over the last axis",
             ()),
    Exercise("WeightedMSE", "08", "loss_class", 10,
             "Subclass keras.losses.Loss: store high_penalty in __init__ (pass name and **kwargs to "
             "super().__init__), return {**super().get_config(), 'high_penalty': ...} from get_config, "
             "and in call() return keras.ops.mean(square(y_true - y_pred) * w, axis=-1) with "
             "w = keras.ops.where(y_true > 0.5, high_penalty, 1.0) cast to y_pred's dtype.",
             "mean((y_true - y_pred)**2 * w) over the last axis, w = high_penalty where y_true > 0.5",
             ()),
    Exercise("F1Score", "08", "metric_class", 10,
             "Keep tp, fp and fn in self.add_variable(shape=(), initializer='zeros') variables; in "
             "update_state reshape both inputs to (-1,), count a score as positive when > threshold, "
             "and assign_add the three counts; reset_state assigns 0.0 to each; result() returns "
             "keras.ops.divide_no_nan(2*tp, 2*tp + fp + fn).",
             "keras.metrics.F1Score(threshold=0.5), pooled over every batch",
             ("keras.metrics.F1Score", "keras.metrics.FBetaScore")),
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
