using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LlamaJump.App.Pipeline;

/// <summary>Writes a <see cref="PipelineSummary"/> as summary.json (snake_case, SUMMARY.md) and summary.md (tables
/// for a reader), each atomically.</summary>
public static class PipelineSummaryWriter
{
    public const string JsonFile = "summary.json";
    public const string MarkdownFile = "summary.md";

    public static string Json(PipelineSummary summary) => JsonSerializer.Serialize(summary, ExitSweepJson.Options) + "\n";

    public static PipelineSummary? Parse(string text) => JsonSerializer.Deserialize<PipelineSummary>(text, ExitSweepJson.Options);

    /// <summary>Writes both files into <paramref name="directory"/> and returns their full paths (json, md).</summary>
    public static (string Json, string Markdown) WriteAll(PipelineSummary summary, string directory)
    {
        Directory.CreateDirectory(directory);
        string json = Path.GetFullPath(Path.Combine(directory, JsonFile)), md = Path.GetFullPath(Path.Combine(directory, MarkdownFile));
        Shortcuts.Reports.ReportWriter.WriteAtomically(json, Encoding.UTF8.GetBytes(Json(summary)));
        Shortcuts.Reports.ReportWriter.WriteAtomically(md, Encoding.UTF8.GetBytes(Markdown(summary)));
        return (json, md);
    }

    public static string Markdown(PipelineSummary s)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# LlamaJump pipeline summary").AppendLine();
        md.AppendLine(string.Create(inv,
            $"Corpus `{Path.GetFileName(s.Corpus)}` (sha256 {s.CorpusSha256[..Math.Min(12, s.CorpusSha256.Length)]}…), {s.Train} train + {s.Test} test sentences, seed {s.Seed}. "))
          .AppendLine(s.AllSucceeded ? $"All {s.Models.Count} model(s) succeeded." : $"Not every model succeeded (exit code {s.ExitCode}).").AppendLine();

        md.AppendLine("## Models").AppendLine();
        Table(md, ["model", "status", "blocks × n_embd", "OJFA jump (D_m softmax weight)", "parameters multi / single (ratio)", "results"],
            s.Models.Select(m => (IReadOnlyList<string>)[
                m.Model,
                m.Status == ModelSummary.Ok ? "ok" : $"{m.Status} (exit {m.ExitCode}): {m.Error ?? "-"}",
                m.NLayer is { } l ? $"{l} × {m.NEmbd}" : "-",
                m.Ojfa is { } o ? string.Create(inv, $"{o} ({Format(m.OjfaSoftmaxWeight, "0.000")})") : "-",
                m.Parameters is { } p ? string.Create(inv, $"{p.MultiJump:N0} / {p.SingleJump:N0} ({p.Ratio:0.#}×)") : "-",
                m.Ojfa is null ? "-" : $"[report]({m.Model}/eval/report.md)",
            ]));

        md.AppendLine("## Mean Precision@1 ↑ / Surprisal ↓ (nats) over the exit levels").AppendLine();
        Table(md, ["model", .. PipelineSummary.Methods],
            s.Models.Select(m => (IReadOnlyList<string>)[m.Model, .. PipelineSummary.Methods.Select(method =>
                m.Methods.TryGetValue(method, out var x) ? $"{Format(x.MeanPrecision, "0.000")} / {Format(x.MeanSurprisal, "0.00")}" : "-")]));

        md.AppendLine("## Early exit (greedy, OJFA jump)").AppendLine();
        md.AppendLine($"{s.Tokens} tokens per prompt; agreement = share of tokens equal to the full model's greedy choice after the same prefix.").AppendLine();
        Table(md, ["model", "λ", "blocks per token", "agreement", "sequence agreement", "tokens/s"],
            s.Models.SelectMany(m => m.EarlyExit.Select(p => (IReadOnlyList<string>)[
                m.Model, p.Lambda.ToString(inv),
                string.Create(inv, $"{p.BlocksPerToken:0.00}{(m.NLayer is { } l ? $" of {l}" : "")}"),
                Format(p.Agreement, "0.0%"), Format(p.SequenceAgreement, "0.0%"), p.TokensPerSecond.ToString("0", inv)])));

        md.AppendLine("## Steps (seconds)").AppendLine();
        Table(md, ["model", .. PipelineSteps.All],
            s.Models.Select(m => (IReadOnlyList<string>)[m.Model, .. PipelineSteps.All.Select(step => Step(m.Steps[step]))]));
        return md.ToString();
    }

    /// <summary>"12.3 s", "skipped (up to date)", "failed", "interrupted" or "not run".</summary>
    public static string Step(StepSummary step) => step.State switch
    {
        "done" => string.Create(CultureInfo.InvariantCulture, $"{step.Seconds:0.0} s"),
        "skipped" => "skipped (up to date)",
        "failed" => step.Seconds is { } sec ? string.Create(CultureInfo.InvariantCulture, $"failed after {sec:0.0} s") : "failed",
        "not_run" => "not run",
        _ => step.State,
    };

    private static string Format(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static void Table(StringBuilder md, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        md.AppendLine($"| {string.Join(" | ", header)} |");
        md.AppendLine($"|{string.Concat(header.Select(_ => "---|"))}");
        foreach (var row in rows)
            md.AppendLine($"| {string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal)))} |");
        md.AppendLine();
    }
}
