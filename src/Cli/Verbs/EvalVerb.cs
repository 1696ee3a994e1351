using System.CommandLine;
using LlamaJump.App;
using LlamaJump.App.Eval;
using LlamaJump.Shortcuts.Evaluation;
using LlamaJump.Shortcuts.Reports;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump eval --dump DIR --jumps JUMPS.gguf --out RESULTS_DIR [...]</c>: Precision@1 and Surprisal of
/// every shortcut at every exit level on the dump's test split, through the model's own head; writes results.json
/// (schema: src/Shortcuts/Reports/RESULTS.md), results.csv, the paper's Figures 2–4 as PNG and report.md. stdout gets
/// the table, or results.json with --json.</summary>
public static class EvalVerb
{
    public static Command Create(JobContext context)
    {
        var dump = new Option<string>("--dump") { Description = "Dump directory (llamajump dump); its test split is scored", Required = true };
        var jumps = new Option<string>("--jumps") { Description = "Jump file (llamajump train), full or OJFA-only", Required = true };
        var output = new Option<string>("--out") { Description = "Results directory (created): results.json, results.csv, figure PNGs, report.md", Required = true };
        var json = new Option<bool>("--json") { Description = "Print results.json to stdout instead of the table" };
        var model = new Option<string?>("--model") { Description = "Model: a path or a name (default: the dump's model file, looked up in the model directories); must be the dump's model" };
        var arbitrary = new Option<string>("--arbitrary")
        {
            Description = $"Arbitrary-choice jumps m to score at every level: N (a positive integer alone) for a seeded sample of N jumps that always holds OJFA's m* (N ≥ the jumps available: all), all, none, a list of two or more like 0,3,5, or {ArbitrarySelection.ListPrefix}3 for any list incl. one jump. N-NJTC and OJFA are scored regardless. The default sample is all jumps of a model with ≤ 9 blocks and {ArbitrarySelection.DefaultSample} of 31 on a 32-block 7B",
            DefaultValueFactory = _ => ArbitrarySelection.DefaultSample.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var arbitraryRows = new Option<string>("--arbitrary-rows")
        {
            Description = $"Test samples the arbitrary jumps are scored on: the first N of the test split (a seeded random sample already), or all; identity, N-NJTC, OJFA and joint always use all",
            DefaultValueFactory = _ => EvalSettings.DefaultArbitraryRows.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var arbitrarySeed = new Option<int>("--arbitrary-seed") { Description = "Seed of the --arbitrary N sample (SplitMix64 partial Fisher–Yates, the same on every platform)", DefaultValueFactory = _ => 0 };
        var batch = new Option<int?>("--batch") { Description = "Hidden vectors per head call (default: as many as 64 MiB of logits hold, at most 4096)" };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: the cores this process may use, one per token for a small model; see doctor)" };
        var command = new Command("eval", "Precision@1 and Surprisal of identity, N-NJTC, OJFA, arbitrary and joint shortcuts at every exit level, with plots and a report")
        {
            dump, jumps, output, json, model, arbitrary, arbitrarySeed, arbitraryRows, batch, threads,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            ArbitrarySelection selection;
            try
            {
                selection = ArbitrarySelection.Parse(parse.GetValue(arbitrary)!).WithSeed(parse.GetValue(arbitrarySeed));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new UserInputException($"--arbitrary: {e.Message}");
            }
            var options = new EvalOptions(
                parse.GetValue(dump)!, parse.GetValue(jumps)!, parse.GetValue(output)!, parse.GetValue(json),
                parse.GetValue(model), selection,
                parse.GetValue(batch) is { } b ? Positive(b, "--batch") : null,
                parse.GetValue(threads) is { } t ? Positive(t, "--threads") : null,
                ArbitraryRows(parse.GetValue(arbitraryRows)!));
            return Execute(context, options);
        }));
        return command;
    }

    /// <summary>"all" (null) or a positive count.</summary>
    private static int? ArbitraryRows(string text) =>
        text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase) ? null
        : int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n > 0 ? n
        : throw new UserInputException($"--arbitrary-rows must be a positive number of test samples or all, not '{text}'");

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new UserInputException($"{name} must be positive (got {value})");

    public static int Execute(JobContext context, EvalOptions options)
    {
        using var interruption = new Interruption(context.Error);
        EvalOutcome outcome;
        try
        {
            outcome = new EvalJob(options).Execute(context, interruption.Token);
        }
        catch (OperationCanceledException) when (interruption.Token.IsCancellationRequested)
        {
            context.Error.WriteLine($"llamajump: eval interrupted; the finished levels are kept in {Path.GetFullPath(Path.Combine(options.Out, EvalJob.ProgressDirectory))}; rerun the same command to resume");
            return ExitCodes.Interrupted;
        }
        if (options.Json)
        {
            context.Out.Write(ResultsJson.Write(outcome.Report));
        }
        else
        {
            var (header, rows) = ResultsTable.Build(outcome.Report.Result);
            TextTable.Write(context.Out, header, rows, Enumerable.Range(1, header.Count - 1).ToHashSet());
            var jumps = outcome.Report.Jumps;
            string weight = jumps.DSoftmax.Count > jumps.Ojfa && jumps.Ojfa >= 0
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $", softmax weight {jumps.DSoftmax[jumps.Ojfa]:0.000}")
                : "";
            context.Out.WriteLine($"OJFA: jump {jumps.Ojfa}{weight}; report: {Path.GetFullPath(Path.Combine(options.Out, ReportWriter.MarkdownFile))}");
        }
        return ExitCodes.Success;
    }
}
