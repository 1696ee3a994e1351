using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Pipeline;
using LlamaJump.Models;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump pipeline [--models M ...] [--corpus FILE] [...]</c>: dump → train → eval → early-exit sweep
/// for every model into <c>--out/&lt;model&gt;/</c>, skipping steps whose outputs are up to date, then summary.json
/// and summary.md across models (src/App/Pipeline/SUMMARY.md). stdout gets the summary table and the summary paths;
/// progress goes to stderr.</summary>
public static class PipelineVerb
{
    public static Command Create(JobContext context)
    {
        var models = new Option<string[]>("--models")
        {
            Description = "Models: paths or names in the model directories (default: every GGUF in models/gguf/)",
            AllowMultipleArgumentsPerToken = true,
        };
        var corpus = new Option<string>("--corpus") { Description = "Corpus to dump (default: the shared WikiText-2 test file)", DefaultValueFactory = _ => SharedData.DefaultCorpus };
        var train = new Option<int>("--train") { Description = "Train sentences per dump", DefaultValueFactory = _ => 9000 };
        var test = new Option<int>("--test") { Description = "Test sentences per dump (disjoint from train)", DefaultValueFactory = _ => 3000 };
        var output = new Option<string>("--out") { Description = "Output directory: <model>/{dump,jumps.gguf,eval,exit.json}, summary.md, summary.json", DefaultValueFactory = _ => "runs" };
        var force = new Option<bool>("--force") { Description = "Redo every step, even those whose outputs are up to date" };
        var lambdas = new Option<string>("--lambdas") { Description = "λ values of the early-exit sweep", DefaultValueFactory = _ => "0.5,0.8,0.95" };
        var tokens = new Option<int>("--tokens") { Description = "Tokens generated per prompt in the early-exit sweep", DefaultValueFactory = _ => 32 };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: the cores this process may use, one per token for a small model; see doctor)" };
        var allowFewer = new Option<bool>("--allow-fewer") { Description = "When the corpus has fewer sentences than asked, scale train and test down proportionally" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the dumps' sentence sample and of training", DefaultValueFactory = _ => 1UL };
        var device = TorchDeviceOption.Create();
        var command = new Command("pipeline", "Dump, train, evaluate and measure early exit for every model, skipping up-to-date steps; summary across models")
        {
            models, corpus, train, test, output, force, lambdas, tokens, threads, allowFewer, seed, device,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            var torchDevice = TorchDeviceOption.Parse(parse, device);
            var given = parse.GetValue(models) ?? [];
            IReadOnlyList<string> paths = given.Length > 0
                ? given.Select(context.Models.Resolve).ToList()
                : PipelineJob.ModelsIn(PipelineJob.DefaultModelDirectory);
            if (paths.Count == 0)
                throw new UserInputException($"no GGUF models in {PipelineJob.DefaultModelDirectory}; put some there or pass --models");
            var options = new PipelineOptions(paths, parse.GetValue(corpus)!, parse.GetValue(output)!,
                AtLeast(parse.GetValue(train), 1, "--train"), AtLeast(parse.GetValue(test), 1, "--test"),
                parse.GetValue(force), LambdaList.Parse(parse.GetValue(lambdas)!, allowEmpty: false), AtLeast(parse.GetValue(tokens), 1, "--tokens"),
                parse.GetValue(threads) is { } t ? AtLeast(t, 1, "--threads") : null, parse.GetValue(allowFewer), parse.GetValue(seed),
                torchDevice);
            return Execute(context, options);
        }));
        return command;
    }

    public static int Execute(JobContext context, PipelineOptions options)
    {
        using var interruption = new Interruption(context.Error);
        var outcome = new PipelineJob(options).Execute(context, interruption.Token);
        WriteTable(context.Out, outcome.Summary);
        context.Out.WriteLine($"summary: {outcome.SummaryMarkdown}");
        context.Out.WriteLine($"summary: {outcome.SummaryJson}");
        return outcome.ExitCode;
    }

    /// <summary>One line per model: status, OJFA choice, mean Precision@1 per method, parameter ratio, step times.</summary>
    public static void WriteTable(TextWriter o, PipelineSummary summary)
    {
        var inv = CultureInfo.InvariantCulture;
        var header = new List<string> { "model", "status", "OJFA (weight)" };
        header.AddRange(PipelineSummary.Methods.Select(m => $"P@1 {m}"));
        header.Add("params ×");
        header.AddRange(PipelineSteps.All);
        var rows = summary.Models.Select(m =>
        {
            var row = new List<string>
            {
                m.Model,
                m.Status == ModelSummary.Ok ? "ok" : $"{m.Status}: {m.Error}",
                m.Ojfa is { } j ? string.Create(inv, $"{j} ({m.OjfaSoftmaxWeight:0.000})") : "-",
            };
            row.AddRange(PipelineSummary.Methods.Select(method =>
                m.Methods.TryGetValue(method, out var s) && s.MeanPrecision is { } p ? p.ToString("0.000", inv) : "-"));
            row.Add(m.Parameters is { } par ? par.Ratio.ToString("0.#", inv) : "-");
            row.AddRange(PipelineSteps.All.Select(step => m.Steps[step] is { State: "skipped" } ? "skipped" : PipelineSummaryWriter.Step(m.Steps[step])));
            return (IReadOnlyList<string>)row;
        }).ToList();
        TextTable.Write(o, header, rows);
    }

    private static int AtLeast(int value, int minimum, string name) =>
        value >= minimum ? value : throw new UserInputException(string.Create(CultureInfo.InvariantCulture, $"{name} must be at least {minimum} (got {value})"));
}
