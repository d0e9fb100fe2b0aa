namespace HourglassSimd.Pose;

/// <summary>One decoded joint: image coordinates (continuous, pixel i spanning [i, i+1)), the heatmap peak value and the joint name.</summary>
/// <param name="X">x in image pixels.</param>
/// <param name="Y">y in image pixels.</param>
/// <param name="Confidence">Heatmap peak value (roughly 0..1 for trained weights; there is no visibility head, a low value is the only cue for an absent joint).</param>
/// <param name="Name">Joint name from the layout, e.g. <c>right_ankle</c>.</param>
public readonly record struct Keypoint(float X, float Y, float Confidence, string Name);
