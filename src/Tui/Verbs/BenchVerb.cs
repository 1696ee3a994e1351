using System.CommandLine;
using System.Globalization;
using LlamaJump.Interop.Models;
using LlamaJump.Tui.Bench;
using LlamaJump.Tui.Cli;

namespace LlamaJump.Tui.Verbs;

/// <summary><c>llamajump bench dump</c>: ratios measured side by side in one run (not absolute timings, which are
/// meaningless on a shared machine).</summary>
public static class BenchVerb
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model (path or name)", DefaultValueFactory = _ => ModelResolver.DefaultModelName };
        var corpus = new Option<string>("--corpus") { Description = "Corpus to sample sentences from", DefaultValueFactory = _ => DefaultCorpus(context) };
        var samples = new Option<int>("--samples") { Description = "Sampled sentences per pass", DefaultValueFactory = _ => 512 };
        var sequences = new Option<int>("--sequences") { Description = "Sentences per decode", DefaultValueFactory = _ => 16 };
        var repeats = new Option<int>("--repeats") { Description = "Alternating plain/capture passes", DefaultValueFactory = _ => 3 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: all cores)" };
        var dump = new Command("dump", "Capture overhead and dump throughput against plain decoding") { model, corpus, samples, sequences, repeats, threads };
        dump.SetAction(parse => VerbRunner.Run(context, () =>
        {
            if (parse.GetValue(samples) < 1 || parse.GetValue(sequences) < 1 || parse.GetValue(repeats) < 1)
            {
                throw new UserInputException("--samples, --sequences and --repeats must be positive");
            }
            var result = DumpBenchmark.Run(context.Models, parse.GetValue(model)!, parse.GetValue(corpus)!, parse.GetValue(samples),
                parse.GetValue(sequences), parse.GetValue(repeats), parse.GetValue(threads), context.Error);
            Print(context.Out, result);
            return ExitCodes.Success;
        }));
        return new Command("bench", "Benchmarks that print ratios measured side by side") { dump };
    }

    private static string DefaultCorpus(CliContext context) =>
        Path.Combine(ModelResolver.LocateHome(), "..", "shared", "data", "wikitext-2", "wiki.test.raw");

    private static void Print(TextWriter o, DumpBenchResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine($"bench dump: {r.Model}, {r.Samples} samples, {r.SequencesPerDecode} per decode, {r.Repeats} repeats, {r.Threads} threads");
        var rows = new[] { r.Plain, r.Capture, r.Dump }.Select(row => (IReadOnlyList<string>)
        [
            row.Name,
            row.Seconds.ToString("0.000", inv),
            row.TokensPerSecond.ToString("0", inv),
            (row.TokensPerSecond / r.Plain.TokensPerSecond).ToString("0.00", inv),
        ]).ToList();
        TextTable.Write(o, ["", "SECONDS", "TOKENS/S", "VS PLAIN"], rows, new HashSet<int> { 1, 2, 3 });
        o.WriteLine(string.Create(inv, $"capture overhead: {r.CaptureOverhead:+0.0%;-0.0%} decode time (target: at most +10%)"));
        o.WriteLine(string.Create(inv, $"dump throughput: {r.Dump.TokensPerSecond / r.Plain.TokensPerSecond:0.00}x plain decoding"));
    }
}
