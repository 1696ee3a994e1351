using System.Globalization;
using System.Text;
using LlamaJump.Shortcuts.Evaluation;

namespace LlamaJump.Shortcuts.Reports;

/// <summary>results.csv: long format, one line per method and exit level, header
/// <c>method,level,precision,surprisal</c>. Methods in the order of results.json (identity, nnjtc, ojfa, joint,
/// arbitrary_mean, present ones only), then each arbitrary jump m as <c>arbitrary.&lt;m&gt;</c>. Numbers are
/// invariant-culture, round-trip precision; lines end with \n.</summary>
public static class ResultsCsv
{
    public const string Header = "method,level,precision,surprisal";

    public static string Write(EvalResult result)
    {
        var text = new StringBuilder(Header).Append('\n');
        var rows = result.Methods.Concat(result.Arbitrary.OrderBy(p => p.Key)
            .Select(p => ($"{EvalMethods.Arbitrary}.{p.Key.ToString(CultureInfo.InvariantCulture)}", p.Value)));
        foreach (var (name, scores) in rows)
        {
            for (int k = 0; k < scores.Precision.Count; k++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{name},{k},{scores.Precision[k]:R},{scores.Surprisal[k]:R}\n");
            }
        }
        return text.ToString();
    }
}
