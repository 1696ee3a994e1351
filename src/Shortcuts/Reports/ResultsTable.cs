using System.Globalization;
using LlamaJump.Shortcuts.Evaluation;

namespace LlamaJump.Shortcuts.Reports;

/// <summary>The console table of an evaluation: one row per exit level and a mean row; per method present two
/// columns, Precision@1 (P@1) and Surprisal (S, nats). Cells are strings for any plain-text table writer.</summary>
public static class ResultsTable
{
    public static (IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) Build(EvalResult result)
    {
        var methods = result.Methods;
        var header = new List<string> { "level" };
        foreach (var (name, _) in methods)
        {
            header.Add($"{EvalMethods.Label(name)} P@1");
            header.Add($"{EvalMethods.Label(name)} S");
        }
        var rows = new List<IReadOnlyList<string>>();
        foreach (int k in result.ExitLevels)
        {
            var row = new List<string> { k.ToString(CultureInfo.InvariantCulture) };
            foreach (var (_, scores) in methods)
            {
                row.Add(Precision(scores.Precision[k]));
                row.Add(Surprisal(scores.Surprisal[k]));
            }
            rows.Add(row);
        }
        var mean = new List<string> { "mean" };
        foreach (var (_, scores) in methods)
        {
            mean.Add(Precision(scores.MeanPrecision));
            mean.Add(Surprisal(scores.MeanSurprisal));
        }
        rows.Add(mean);
        return (header, rows);
    }

    public static string Precision(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    public static string Surprisal(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
