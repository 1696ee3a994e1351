using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Bench;
using LlamaJump.Models;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump bench parity</c>: prompt and decode tokens/s of the patched build at full depth against the
/// stock LLamaSharp.Backend.Cpu 0.30.0 (and, with --baseline, the same release with only the ABI patch), alternating, ending with
/// the two ratio lines against stock.</summary>
public static class BenchParityCommand
{
    public static Command Create(JobContext context)
    {
        var model = new Option<string>("--model") { Description = "Model (path or name)", DefaultValueFactory = _ => ModelResolver.DefaultModelName };
        var threads = new Option<int?>("--threads") { Description = "CPU threads of both backends (default: the cores this process may use)" };
        var ctx = new Option<int>("--context") { Description = "Context size of both", DefaultValueFactory = _ => 512 };
        var batch = new Option<int>("--batch") { Description = "Batch (and micro-batch) size of both", DefaultValueFactory = _ => 512 };
        var prompt = new Option<int>("--prompt") { Description = "Prompt tokens processed (fixed token ids, the same on both)", DefaultValueFactory = _ => 256 };
        var decode = new Option<int>("--decode") { Description = "Tokens decoded one at a time after the prompt", DefaultValueFactory = _ => 64 };
        var repeats = new Option<int>("--repeats") { Description = "Alternating repeats of both backends", DefaultValueFactory = _ => 3 };
        var baseline = new Option<string?>("--baseline") { Description = "A third side: our llama.cpp release with only the ABI patch LLamaSharp needs, none of the hooks (./build.sh baseline: build/native/baseline-lib), to separate the hooks' cost from upstream's changes" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds one measuring process may take", DefaultValueFactory = _ => 600 };
        var command = new Command("parity", "Prompt and decode tokens/s of our patched build at full depth vs the stock LLamaSharp backend, side by side")
        {
            model, threads, ctx, batch, prompt, decode, repeats, timeout, baseline,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            foreach (var (name, value) in new[] { ("--context", parse.GetValue(ctx)), ("--batch", parse.GetValue(batch)), ("--prompt", parse.GetValue(prompt)),
                         ("--decode", parse.GetValue(decode)), ("--repeats", parse.GetValue(repeats)), ("--timeout", parse.GetValue(timeout)), ("--threads", parse.GetValue(threads) ?? 1) })
            {
                if (value < 1)
                    throw new UserInputException($"{name} must be positive, not {value}");
            }
            if (parse.GetValue(prompt) + parse.GetValue(decode) > parse.GetValue(ctx))
                throw new UserInputException($"--prompt {parse.GetValue(prompt)} + --decode {parse.GetValue(decode)} do not fit --context {parse.GetValue(ctx)}");
            using var interruption = new Interruption(context.Error);
            var options = new ParityBenchOptions(parse.GetValue(model)!, parse.GetValue(threads), parse.GetValue(ctx), parse.GetValue(batch),
                parse.GetValue(prompt), parse.GetValue(decode), parse.GetValue(repeats), parse.GetValue(timeout), parse.GetValue(baseline));
            Print(context.Out, new ParityBenchmark(options).Execute(context, interruption.Token));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Print(TextWriter o, ParityResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(inv, $"{Path.GetFileName(r.Model)}: {r.Threads} threads, context {r.Options.Context}, batch {r.Options.Batch}; {r.Options.PromptTokens} prompt tokens, {r.Options.DecodeTokens} decoded; {r.Stock.Count} alternating repeats"));
        o.WriteLine("repeat  backend   prompt tok/s  decode tok/s");
        for (int i = 0; i < r.Stock.Count; i++)
        {
            o.WriteLine(string.Create(inv, $"{i + 1,6}  stock     {r.Stock[i].PromptTokensPerSecond,12:0.0}  {r.Stock[i].DecodeTokensPerSecond,12:0.0}"));
            o.WriteLine(string.Create(inv, $"{i + 1,6}  patched   {r.Patched[i].PromptTokensPerSecond,12:0.0}  {r.Patched[i].DecodeTokensPerSecond,12:0.0}"));
            if (r.Baseline is { } baseline)
                o.WriteLine(string.Create(inv, $"{i + 1,6}  baseline  {baseline[i].PromptTokensPerSecond,12:0.0}  {baseline[i].DecodeTokensPerSecond,12:0.0}"));
        }
        if (r is { PatchRatio: { } patch, UpstreamRatio: { } upstream })
        {
            o.WriteLine(string.Create(inv, $"patches (patched ÷ baseline): prompt {patch.Prompt:0.000}×, decode {patch.Decode:0.000}×"));
            o.WriteLine(string.Create(inv, $"upstream (baseline ÷ stock): prompt {upstream.Prompt:0.000}×, decode {upstream.Decode:0.000}×"));
        }
        o.WriteLine(string.Create(inv, $"prompt: {r.PromptRatio:0.000}× stock"));
        o.WriteLine(string.Create(inv, $"decode: {r.DecodeRatio:0.000}× stock"));
    }
}
