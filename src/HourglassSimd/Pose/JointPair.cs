namespace HourglassSimd.Pose;

/// <summary>Two joint indices: a left/right flip pair or a skeleton edge.</summary>
/// <param name="First">First joint index.</param>
/// <param name="Second">Second joint index.</param>
public readonly record struct JointPair(int First, int Second);
