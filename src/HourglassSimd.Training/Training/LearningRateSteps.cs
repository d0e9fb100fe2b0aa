using System.Globalization;

namespace HourglassSimd.Training;

/// <summary>
/// A step schedule of the learning rate by epoch (<c>--lr-steps 5:1e-4,7:3e-5</c>): from each listed epoch on, its rate;
/// before the first, <see cref="TrainingOptions.LearningRate"/>. Epochs count from 1 over the whole run, resumed runs
/// included, so a run resumed at epoch 6 of the example trains at 1e-4.
/// </summary>
public sealed class LearningRateSteps
{
    private readonly (int Epoch, double Rate)[] _steps;

    private LearningRateSteps((int Epoch, double Rate)[] steps) => _steps = steps;

    /// <summary>The rate of <paramref name="epoch"/>: that of the last step at or before it, else <paramref name="initialRate"/>.</summary>
    public double RateAt(int epoch, double initialRate)
    {
        double rate = initialRate;
        foreach (var (start, stepRate) in _steps)
        {
            if (start <= epoch)
                rate = stepRate;
        }
        return rate;
    }

    /// <summary>
    /// Parses <c>EPOCH:RATE[,EPOCH:RATE...]</c>: epochs from 2 in increasing order, rates positive and finite.
    /// </summary>
    /// <returns>The schedule, or null with <paramref name="problem"/> saying what is wrong.</returns>
    public static LearningRateSteps? TryParse(string text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        var steps = new List<(int, double)>();
        foreach (string part in text.Split(','))
        {
            string[] pair = part.Trim().Split(':');
            if (pair.Length != 2
                || !int.TryParse(pair[0], NumberStyles.None, CultureInfo.InvariantCulture, out int epoch)
                || !double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double rate))
            {
                problem = $"'{part.Trim()}' is not EPOCH:RATE (e.g. 5:1e-4)";
                return null;
            }
            if (epoch < 2)
            {
                problem = $"epoch {epoch} must be 2 or more (epoch 1 trains at --lr)";
                return null;
            }
            if (steps.Count > 0 && epoch <= steps[^1].Item1)
            {
                problem = $"epoch {epoch} does not come after epoch {steps[^1].Item1}";
                return null;
            }
            if (!(rate > 0) || !double.IsFinite(rate))
            {
                problem = $"rate {pair[1]} of epoch {epoch} must be a positive number";
                return null;
            }
            steps.Add((epoch, rate));
        }
        problem = null;
        return new LearningRateSteps([.. steps]);
    }

    /// <summary>The option's text form, <c>5:0.0001,7:3e-05</c>.</summary>
    public override string ToString() =>
        string.Join(",", _steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Epoch}:{s.Rate:g}")));
}
