using System.Globalization;
using System.Text;
using LlamaJump.Shortcuts.Evaluation;

namespace LlamaJump.Shortcuts.Reports;

/// <summary>report.md: the model, dump and jump file evaluated, the OJFA choice with its softmax weight, the mean
/// Precision@1 and Surprisal of each method over the exit levels, the per-level scores, the offline λ curve of early
/// exit (<see cref="ExitCurve"/>) as a table, the parameter counts, the
/// sanity check and links to the figures that were written (relative paths, so the directory can move).</summary>
public static class ReportMarkdown
{
    public static string Write(EvalReport report, IReadOnlyCollection<string> figures)
    {
        var (model, dump, jumps, parameters, result) = (report.Model, report.Dump, report.Jumps, report.Parameters, report.Result);
        var md = new StringBuilder();
        void Line(FormattableString text) => md.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
        void Blank() => md.Append('\n');

        Line($"# OJFA evaluation: {model.File}");
        Blank();
        Line($"- **Model**: `{model.File}` ({model.Architecture}, {model.NLayer} blocks, n_embd {model.NEmbd}, vocab {model.NVocab}), sha256 `{model.Sha256}`");
        Line($"- **Dump**: test split of {dump.TestCount} samples from `{dump.CorpusFile}` (corpus sha256 `{dump.CorpusSha256}`), seed {dump.Seed}, {dump.Dtype}, {dump.Position} positions");
        Line($"- **Jumps**: `{jumps.File}`, rank {jumps.Rank}{(jumps.OjfaOnly ? ", OJFA jump only" : "")}");
        Line($"- **Exit levels**: k = 0 … {model.NLayer - 2}; every shortcut maps h^k to the last block's output and goes through the model's own head");
        Blank();

        Line($"## The OJFA choice");
        Blank();
        if (jumps.DScores.Count > jumps.Ojfa && jumps.Ojfa >= 0)
        {
            double weight = jumps.DSoftmax.Count > jumps.Ojfa ? jumps.DSoftmax[jumps.Ojfa] : double.NaN;
            Line($"Jump **{jumps.Ojfa}** (from block {jumps.Ojfa} to the last block) maximises D_m = {Number(jumps.DScores[jumps.Ojfa], "0.0000")}; its softmax weight at T = 5e-4 is {Number(weight, "0.0000")}.");
            Blank();
            Line($"| jump m | D_m | softmax |");
            Line($"|---:|---:|---:|");
            for (int m = 0; m < jumps.DScores.Count; m++)
            {
                string mark = m == jumps.Ojfa ? " **(OJFA)**" : "";
                string soft = m < jumps.DSoftmax.Count ? Number(jumps.DSoftmax[m], "0.0000") : "";
                Line($"| {m}{mark} | {Number(jumps.DScores[m], "0.0000")} | {soft} |");
            }
        }
        else
        {
            Line($"Jump **{jumps.Ojfa}**; the jump file holds no D_m scores.");
        }
        Blank();

        Line($"## Mean over exit levels");
        Blank();
        Line($"| method | Precision@1 (↑) | Surprisal (↓, nats) |");
        Line($"|---|---:|---:|");
        foreach (var (name, scores) in result.Methods)
        {
            Line($"| {EvalMethods.Label(name)} | {ResultsTable.Precision(scores.MeanPrecision)} | {ResultsTable.Surprisal(scores.MeanSurprisal)} |");
        }
        Blank();

        Line($"## Per exit level");
        Blank();
        var (header, rows) = ResultsTable.Build(result);
        md.Append("| ").Append(string.Join(" | ", header)).Append(" |\n");
        md.Append("|").Append(string.Concat(header.Select(_ => "---:|"))).Append('\n');
        foreach (var row in rows)
        {
            md.Append("| ").Append(string.Join(" | ", row)).Append(" |\n");
        }
        Blank();
        if (result.Arbitrary.Count > 0)
        {
            string sampled = result.ArbitrarySample is { } sample
                ? $", a seeded sample of {sample.Size} of the {sample.Available} jumps (seed {sample.Seed}, always holding OJFA's jump {result.OjfaJump})"
                : "";
            string scoredOn = result.ArbitraryRows is { } r ? $", scored on the first {r} of the {result.SampleCount} test samples" : "";
            Line($"Arbitrary choices: {result.Arbitrary.Count} jumps ({string.Join(", ", result.Arbitrary.Keys.Order())}){sampled}, each used at every exit level{scoredOn}; their mean is in the table, their range in results.json (`arbitrary_range`).");
            Blank();
        }

        if (result.ExitCurve is { } curve && (curve.Ojfa is not null || curve.Nnjtc is not null))
        {
            Line($"## Early exit, offline (the λ curve)");
            Blank();
            Line($"The rule of `generate --mode exit --lambda λ` replayed on the test split: a token exits at the first candidate block k (the online default, blocks {curve.Candidates[0]} … {curve.Candidates[^1]}) whose head(jump(h^k)) top probability is ≥ λ; without one the last block answers. Blocks per token of {model.NLayer}; agreement = the exit's top-1 equals the full model's.");
            Blank();
            var present = new[] { (EvalMethods.Ojfa, curve.Ojfa), (EvalMethods.Nnjtc, curve.Nnjtc) }.Where(m => m.Item2 is not null).ToList();
            md.Append("| λ |").Append(string.Concat(present.Select(m => $" {EvalMethods.Label(m.Item1)} blocks/token | checks/token | agreement |"))).Append('\n');
            md.Append("|---:|").Append(string.Concat(present.Select(_ => "---:|---:|---:|"))).Append('\n');
            for (int p = 0; p < present[0].Item2!.Points.Count; p++)
            {
                double lambda = present[0].Item2!.Points[p].Lambda;
                md.Append("| ").Append(lambda > 1 ? "never" : Number(lambda, "0.00")).Append(" |");
                foreach (var (_, method) in present)
                {
                    var point = method!.Points[p];
                    md.Append(' ').Append(Number(point.BlocksPerToken, "0.00")).Append(" | ").Append(Number(point.ChecksPerToken, "0.00"))
                        .Append(" | ").Append(Number(point.Agreement, "0.000")).Append(" |");
                }
                md.Append('\n');
            }
            Blank();
            Line($"Per-block top-probability histograms and the exit histogram per λ are in results.json (`exit_curve`).");
            Blank();
        }

        Line($"## Shortcut parameters");
        Blank();
        Line($"One jump = A (H×r) + B (r×H) + BatchNorm (γ, β, running mean, running variance) = 2·H·r + 4·H with H = {parameters.Hidden}, r = {parameters.Rank}.");
        Blank();
        Line($"| | jumps | parameters |");
        Line($"|---|---:|---:|");
        Line($"| per jump | 1 | {parameters.PerJump:N0} |");
        Line($"| multi-jump (N-NJTC, one per exit level) | {parameters.Jumps} | {parameters.MultiJumpTotal:N0} |");
        Line($"| single jump (OJFA) | 1 | {parameters.SingleJumpTotal:N0} |");
        Blank();
        Line($"OJFA keeps {Number(parameters.Reduction, "0.#")}× fewer shortcut parameters at inference. (The paper counts a jump per block, {parameters.Jumps + 1} here: {parameters.PaperMultiJumpTotal:N0} multi-jump parameters.)");
        Blank();

        Line($"## Sanity check");
        Blank();
        var sanity = result.Sanity;
        Line($"Identity at the last block (head(h^{sanity.Level}), the full model itself): Precision@1 {Number(sanity.Precision, "0.0000")}, Surprisal {Number(sanity.Surprisal, "0.0000")} nats (the dump's own mean −log p(top-1): {Number(sanity.DumpSurprisal, "0.0000")}).");
        Blank();

        if (figures.Count > 0)
        {
            Line($"## Figures");
            Blank();
            foreach (string figure in figures)
            {
                Line($"![{Caption(figure)}]({figure})");
                Blank();
            }
        }
        return md.ToString();
    }

    private static string Caption(string figure) => figure switch
    {
        ReportPlots.Figure2File => "Figure 2: OJFA vs arbitrary choices vs joint jump",
        ReportPlots.Figure3File => "Figure 3: softmax of D_m per jump, OJFA highlighted",
        ReportPlots.Figure4File => "Figure 4: OJFA vs identity vs N-NJTC",
        ReportPlots.ExitCurveFile => "Offline early exit: agreement vs blocks per token, blocks per token vs λ",
        _ => figure,
    };

    private static string Number(double value, string format) =>
        double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "n/a";
}
