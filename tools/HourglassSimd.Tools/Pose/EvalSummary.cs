namespace HourglassSimd.Tools.Pose;

/// <summary>What an <c>eval</c> run covered, for its report.</summary>
/// <param name="Model">The model file as given.</param>
/// <param name="Annotations">The annotation file as given.</param>
/// <param name="ImageFolder">The image folder as given.</param>
/// <param name="FlipTest">Whether the flip test was on.</param>
/// <param name="Scales">The multi-scale test's zooms (a single 1 without <c>--scales</c>).</param>
/// <param name="ValidationPeople">Records marked <c>isValidation</c>.</param>
/// <param name="EvaluatedPeople">People that entered the PCKh (image read, head size known).</param>
/// <param name="PeopleWithoutHeadSize">People skipped because their record has neither <c>normalize</c> nor <c>head_rect</c>.</param>
/// <param name="PeopleInUnreadableImages">People skipped because their image is missing or unreadable.</param>
/// <param name="Images">Distinct images of the validation records.</param>
/// <param name="UnreadableImages">Of those, the images that could not be read.</param>
/// <param name="EstimationMillisecondsPerImage">Pose-estimation time (crops, network, decoding) per image read; null when none was.</param>
internal sealed record EvalSummary(
    string Model, string Annotations, string ImageFolder, bool FlipTest, IReadOnlyList<float> Scales, int ValidationPeople, int EvaluatedPeople,
    int PeopleWithoutHeadSize, int PeopleInUnreadableImages, int Images, int UnreadableImages, double? EstimationMillisecondsPerImage);
