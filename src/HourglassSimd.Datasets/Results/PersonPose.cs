using HourglassSimd.Pose;

namespace HourglassSimd.Datasets;

/// <summary>One person found by <c>infer</c>: the image (by file name), the rectangle it was asked for and the pose.</summary>
/// <param name="ImageId">The image's file name, used as the COCO <c>image_id</c>.</param>
/// <param name="Rectangle">The rectangle given (or the whole image), written as <c>bbox</c>.</param>
/// <param name="Pose">The estimated pose in image coordinates.</param>
public sealed record PersonPose(string ImageId, BoxRectangle Rectangle, PoseResult Pose);
