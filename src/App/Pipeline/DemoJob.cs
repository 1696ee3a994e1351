using System.Diagnostics;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Generate;
using LlamaJump.Engine.Generation;
using LlamaJump.Models;
using LlamaJump.Shortcuts;
using LlamaJump.Shortcuts.Reports;

namespace LlamaJump.App.Pipeline;

/// <summary><c>llamajump demo</c>'s options: the output directory, the dump's sentence counts (scaled down to the
/// corpus when it has fewer), the generation prompt and length, CPU threads, where training's TorchSharp computes.</summary>
public sealed record DemoOptions(string Out, int Train = 9000, int Test = 3000, string Prompt = DemoJob.DefaultPrompt, int Tokens = 24, int? Threads = null,
    TorchDeviceChoice Device = TorchDeviceChoice.Auto);

/// <summary>
/// <c>llamajump demo</c>: the whole story on the embedded default model (stories260K) and the shared WikiText-2
/// corpus — the pipeline for that one model (<see cref="PipelineJob"/>: dump, train with the OJFA choice, eval with
/// plots and report, λ sweep; up-to-date steps are skipped on a rerun), then a short greedy generation in exit mode
/// and one in spec mode, each token shown with the block it left from. stdout tells the story and where every output
/// is; stderr carries the steps' progress.
/// </summary>
public sealed class DemoJob(DemoOptions options) : IJob<int>
{
    public const string DefaultPrompt = "Once upon a time";
    public const float ExitLambda = 0.5f;

    public int Execute(JobContext context, CancellationToken cancel)
    {
        var o = context.Out;
        var inv = CultureInfo.InvariantCulture;
        var clock = Stopwatch.StartNew();
        if (options.Device == TorchDeviceChoice.Cuda)
            TorchRuntime.ResolveDevice(options.Device); // an unavailable cuda is refused before the story starts
        string model = context.Models.Resolve(ModelResolver.DefaultModelName);
        var pipelineOptions = new PipelineOptions([model], SharedData.DefaultCorpus, options.Out, options.Train, options.Test,
            Threads: options.Threads, AllowFewer: true, Device: options.Device);
        o.WriteLine($"demo: {Path.GetFileName(model)} on {Path.GetFileName(pipelineOptions.Corpus)}, into {Path.GetFullPath(options.Out)} (progress on stderr)");
        o.Flush();
        var outcome = new PipelineJob(pipelineOptions).Execute(context, cancel);
        var m = outcome.Summary.Models.Single();
        var layout = outcome.Models.Single().Layout;
        if (m.Status != ModelSummary.Ok)
        {
            o.WriteLine($"demo: the pipeline stopped: {m.Error}");
            return outcome.ExitCode;
        }
        var results = outcome.Models.Single().Results!;

        o.WriteLine();
        o.WriteLine($"1. dump    {Where(layout.Dump)}  [{PipelineSummaryWriter.Step(m.Steps[PipelineSteps.Dump])}]");
        o.WriteLine(string.Create(inv, $"   hidden state after each of the {m.NLayer} blocks for {m.TrainCount} train + {m.TestCount} test sentences (one random token each)"));
        o.WriteLine($"2. train   {Where(layout.Jumps)}  [{PipelineSummaryWriter.Step(m.Steps[PipelineSteps.Train])}]");
        o.WriteLine(string.Create(inv, $"   a jump per exit level 0..{m.NLayer - 2} and the joint jump; D_m = {string.Join(", ", results.Jumps.DScores.Select(d => d.ToString("0.000", inv)))}"));
        o.WriteLine(string.Create(inv, $"   OJFA chose jump {m.Ojfa} (softmax weight {m.OjfaSoftmaxWeight:0.000}); one jump instead of {m.Parameters?.Jumps}: {m.Parameters?.SingleJump:N0} instead of {m.Parameters?.MultiJump:N0} parameters"));
        o.WriteLine($"3. eval    {Where(layout.Eval)}  [{PipelineSummaryWriter.Step(m.Steps[PipelineSteps.Eval])}]");
        var (header, rows) = ResultsTable.Build(results.Result);
        TextTable.Write(o, header, rows, Enumerable.Range(1, header.Count - 1).ToHashSet());
        o.WriteLine("   (P@1: Precision@1 against the full model's top-1 token; S: Surprisal in nats)");
        foreach (string file in new[] { ReportWriter.MarkdownFile, ReportPlots.Figure2File, ReportPlots.Figure3File, ReportPlots.Figure4File }
                     .Select(f => Path.Combine(layout.Eval, f)).Where(File.Exists))
            o.WriteLine($"   {Where(file)}");
        o.WriteLine($"4. λ sweep {Where(layout.Exit)}  [{PipelineSummaryWriter.Step(m.Steps[PipelineSteps.Exit])}]");
        foreach (var p in m.EarlyExit)
            o.WriteLine(string.Create(inv, $"   λ {p.Lambda,-4}: {p.BlocksPerToken:0.00} of {m.NLayer} blocks per token, agreement with the full model {p.Agreement:P0}"));
        o.Flush();
        if (cancel.IsCancellationRequested)
            return ExitCodes.Interrupted;

        o.WriteLine();
        o.WriteLine($"5. generate --mode exit --lambda {ExitLambda.ToString(inv)}: each token[block it left from]; {m.NLayer - 1} = full depth");
        var exit = Generate(options, context, model, layout, GenerationMode.Exit, plan: null, cancel);
        o.WriteLine($"   {options.Prompt}{Tokens(exit)}");
        o.WriteLine($"   {Stats(exit)}");
        o.WriteLine($"6. generate --mode spec --plan {Where(layout.Results)}: lossless, a draft is kept only where the full model agrees");
        var spec = Generate(options, context, model, layout, GenerationMode.Spec, layout.Results, cancel);
        o.WriteLine($"   {options.Prompt}{Tokens(spec)}");
        o.WriteLine($"   {Stats(spec)}; {spec.PlanReason}");
        o.WriteLine();
        o.WriteLine($"summary: {outcome.SummaryMarkdown}");
        o.WriteLine($"summary: {outcome.SummaryJson}");
        o.WriteLine(string.Create(inv, $"demo: done in {clock.Elapsed.TotalSeconds:0} s; try: ./llamajump chat"));
        return cancel.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
    }

    private static GenerateResult Generate(DemoOptions options, JobContext context, string model, ModelLayout layout, GenerationMode mode, string? plan, CancellationToken cancel) =>
        new GenerateJob(new GenerateOptions(model, layout.Jumps, mode, ExitLambda, ExitLayer: null, Candidates: null, KvFill.Propagate,
            DraftLength: null, plan, options.Prompt, options.Tokens, Json: false, Compare: true, SamplingOptions.Greedy, options.Threads))
            .Execute(context, cancel);

    /// <summary>" upon[4] a[2] time[3]": each token's text and the block whose output produced it.</summary>
    public static string Tokens(GenerateResult result) =>
        string.Concat(result.Tokens.Select(t => $"{t.Piece.Replace("\n", "↵", StringComparison.Ordinal)}[{t.ExitLayer}]"));

    private static string Stats(GenerateResult r)
    {
        var s = r.Stats;
        string line = string.Create(CultureInfo.InvariantCulture, $"{s.Tokens} tokens, {s.BlocksPerToken:0.00} of {r.Model.BlockCount} blocks per token");
        if (s.AcceptanceRate is { } rate)
            line += string.Create(CultureInfo.InvariantCulture, $", drafts from block {r.DraftBlock} × {r.Settings.DraftLength}, {rate:P0} accepted");
        if (r.Compare is { } c)
            line += string.Create(CultureInfo.InvariantCulture, $", agreement with the full model {c.Agreement:P0}");
        return line;
    }

    private static string Where(string path) => Path.GetRelativePath(Environment.CurrentDirectory, Path.GetFullPath(path));
}
