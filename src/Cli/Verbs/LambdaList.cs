using System.Globalization;
using LlamaJump.App;

namespace LlamaJump.Cli.Verbs;

/// <summary>The <c>--lambdas</c> option of <c>bench exit</c> and <c>pipeline</c>: comma-separated λ values in [0, 1].</summary>
public static class LambdaList
{
    /// <exception cref="UserInputException">a value is not a λ in [0, 1], or none is given where one is needed</exception>
    public static IReadOnlyList<float> Parse(string text, bool allowEmpty)
    {
        var values = new List<float>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!float.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !(v >= 0 && v <= 1))
                throw new UserInputException($"--lambdas: '{part}' is not a λ in [0, 1]");
            values.Add(v);
        }
        return values.Count > 0 || allowEmpty ? values : throw new UserInputException("--lambdas: give at least one λ");
    }
}
