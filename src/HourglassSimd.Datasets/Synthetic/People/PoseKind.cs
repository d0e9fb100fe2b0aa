namespace HourglassSimd.Datasets.Synthetic;

/// <summary>The families of poses the synthetic people are drawn in (each with its own joint-angle ranges).</summary>
internal enum PoseKind
{
    Standing,
    Walking,
    ArmsOverhead,
    Sitting,
    BentTorso,
    CrossedLimbs,
    Free,
}
