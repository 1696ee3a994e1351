using System.CommandLine;
using System.Globalization;
using LlamaJump.App;
using LlamaJump.App.Bench;
using LlamaJump.Models;

namespace LlamaJump.Cli.Verbs;

/// <summary><c>llamajump bench exit</c>: early-exit speed against full depth and against the ideal, side by side in one
/// run, then the λ sweep (blocks per token against agreement with the full model).</summary>
public static class BenchExitCommand
{
    public static Command Create(JobContext context)
    {
        var model = new Option<string>("--model") { Description = "Model (path or name)", DefaultValueFactory = _ => ModelResolver.DefaultModelName };
        var jumps = new Option<string?>("--jumps") { Description = "Jump file (default: beside the model or in the cache)" };
        var tokens = new Option<int>("--tokens") { Description = "Tokens generated per prompt and run", DefaultValueFactory = _ => 64 };
        var repeats = new Option<int>("--repeats") { Description = "Alternating repeats of every mode", DefaultValueFactory = _ => 3 };
        var exitLayer = new Option<int?>("--exit-layer") { Description = "Fixed exit / draft block (default: n_layer/2 - 1, half the blocks computed)" };
        var lambdas = new Option<string>("--lambdas") { Description = "λ values of the sweep (empty: no sweep)", DefaultValueFactory = _ => "0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95,0.99" };
        var draftLength = new Option<int?>("--draft-length") { Description = "Spec drafts per cycle (default 4)" };
        var threads = new Option<int?>("--threads") { Description = "CPU threads (default: the cores this process may use, one per token for a small model; see doctor)" };
        var plan = new Option<string?>("--plan") { Description = "results.json of llamajump eval: adds rows at --plan-lambda for the paper's rule and the planned candidates, and the sweep again at each λ's planned candidates" };
        var planLambda = new Option<float>("--plan-lambda") { Description = "λ of the guarded default's row and of the planned rows", DefaultValueFactory = _ => 0.9f };
        var planGoal = PlanGoalOption.Create();
        var dump = new Option<string?>("--dump") { Description = "With --plan: the dump that evaluation scored; the λ sweep runs again teacher-forced on its test samples, beside the offline replay of the same samples" };
        var dumpSamples = new Option<int>("--dump-samples") { Description = "Test samples of --dump the teacher-forced sweep runs (the first N)", DefaultValueFactory = _ => ExitBenchOptions.DefaultDumpSamples };
        var json = new Option<bool>("--json") { Description = "Print the llamajump.bench-exit/1 JSON object (rows and sweep) instead of the tables" };
        var command = new Command("exit", "Early-exit speed-ups against full depth and the ideal, and the λ sweep")
        {
            model, jumps, tokens, repeats, exitLayer, lambdas, draftLength, threads, plan, planLambda, planGoal, dump, dumpSamples, json,
        };
        command.SetAction(parse => JobRunner.Run(context, () =>
        {
            if (parse.GetValue(tokens) < 1 || parse.GetValue(repeats) < 1)
                throw new UserInputException("--tokens and --repeats must be positive");
            if (parse.GetValue(dumpSamples) < 1)
                throw new UserInputException("--dump-samples must be positive");
            var sweep = LambdaList.Parse(parse.GetValue(lambdas)!, allowEmpty: true);
            using var interruption = new Interruption(context.Error);
            var result = new ExitBenchmark(new ExitBenchOptions(parse.GetValue(model)!, parse.GetValue(jumps), parse.GetValue(tokens),
                parse.GetValue(repeats), parse.GetValue(exitLayer), sweep, parse.GetValue(draftLength), parse.GetValue(threads),
                parse.GetValue(plan), PlanLambda(parse.GetValue(planLambda)), PlanGoalOption.Parse(parse.GetValue(planGoal)!),
                parse.GetValue(dump), parse.GetValue(dumpSamples)))
                .Execute(context, interruption.Token);
            if (parse.GetValue(json))
                context.Out.WriteLine(ExitBenchmarkJson.Write(result));
            else
                Print(context.Out, result);
            return interruption.Token.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
        }));
        return command;
    }

    private static void Print(TextWriter o, ExitBenchmarkResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(inv, $"{r.Model.FileName}: {r.Model.Architecture}, {r.Model.BlockCount} blocks, n_embd {r.Model.EmbeddingLength}; jumps {Path.GetFileName(r.JumpFile)} (OJFA jump {r.JumpLevel}); {r.Tokens} tokens × {r.Prompts} prompts, median of {r.Repeats} alternating repeats"));
        var rows = r.Cases.Select(c => (IReadOnlyList<string>)
        [
            c.Case.Name,
            c.BlocksPerToken.ToString("0.00", inv),
            c.TokensPerSecond.ToString("0.0", inv),
            c.Speedup.ToString("0.000", inv) + "×",
            c.IdealSpeedup is { } ideal ? ideal.ToString("0.000", inv) + "×" : "—",
            c.OfIdeal is { } of ? of.ToString("P1", inv) : "—",
            c.Acceptance is { } a ? a.ToString("P1", inv) : "",
            c.TimeShares is { } t ? string.Create(inv, $"{t.Draft:P0} / {t.Verify:P0} / {t.Other:P0}") : "",
        ]).ToList();
        TextTable.Write(o, ["mode", "blocks/token", "tokens/s", "vs full", "ideal", "of ideal", "acceptance", "draft / verify / other"], rows, new HashSet<int> { 1, 2, 3, 4, 5, 6 });
        if (r.Cases.FirstOrDefault(c => c.Case.Name.StartsWith("exit, never", StringComparison.Ordinal)) is { } never)
            o.WriteLine(string.Create(inv, $"overhead of the exit machinery when nothing exits: {1 - never.Speedup:P1}"));
        if (r.Sweep.Count == 0)
            return;
        o.WriteLine();
        o.WriteLine($"λ sweep (exit at the first of blocks {string.Join(",", r.Candidates)} whose jumped top probability reaches λ):");
        var sweepRows = r.Sweep.Select((p, i) => (IReadOnlyList<string>)
        [
            p.Lambda.ToString("0.00", inv),
            p.BlocksPerToken.ToString("0.00", inv),
            (1 - p.BlocksPerToken / r.Model.BlockCount).ToString("P1", inv),
            p.Agreement.ToString("P1", inv),
            p.SequenceAgreement.ToString("P1", inv),
            p.TokensPerSecond.ToString("0.0", inv),
            .. r.OfflineSweep is { } offline
                ? new[] { offline[i].BlocksPerToken.ToString("0.00", inv), offline[i].Agreement.ToString("P1", inv) }
                : [],
        ]).ToList();
        string[] header = ["λ", "blocks/token", "blocks saved", "agreement", "same sequence", "tokens/s"];
        if (r.OfflineSweep is not null)
        {
            o.WriteLine("(offline: the same rule replayed on --plan's exit samples, eval's λ curve)");
            header = [.. header, "offline blocks/token", "offline agreement"];
        }
        TextTable.Write(o, header, sweepRows, Enumerable.Range(0, header.Length).ToHashSet());
        o.WriteLine(Headline(r.Headline, inv));
        PrintForced(o, r, inv);
        if (r.PlannedSweep is not { } planned)
            return;
        o.WriteLine();
        o.WriteLine("λ sweep at each λ's planned candidates (--plan), measured, and what the plan expected offline:");
        var plannedRows = planned.Select(p => (IReadOnlyList<string>)
        [
            p.Measured.Lambda.ToString("0.00", inv),
            p.Plan.Candidates.Count == 0 ? "none" : string.Join(",", p.Plan.Candidates),
            p.Measured.BlocksPerToken.ToString("0.00", inv),
            (1 - p.Measured.BlocksPerToken / r.Model.BlockCount).ToString("P1", inv),
            p.Measured.Agreement.ToString("P1", inv),
            p.Measured.TokensPerSecond.ToString("0.0", inv),
            p.Plan.Outcome.BlocksPerToken.ToString("0.00", inv),
            p.Plan.Outcome.Agreement.ToString("P1", inv),
        ]).ToList();
        TextTable.Write(o, ["λ", "candidates", "blocks/token", "blocks saved", "agreement", "tokens/s", "expected blocks", "expected agreement"], plannedRows,
            new HashSet<int> { 0, 2, 3, 4, 5, 6, 7 });
        o.WriteLine(Headline(r.PlannedHeadline, inv).Replace("blocks saved", "planned: blocks saved", StringComparison.Ordinal));
    }

    private static void PrintForced(TextWriter o, ExitBenchmarkResult r, CultureInfo inv)
    {
        if (r.ForcedSweep is not { Count: > 0 } forced)
            return;
        o.WriteLine();
        o.WriteLine($"λ sweep teacher-forced on {forced[0].Samples} of eval's test samples (--dump), online beside the offline replay of the same samples:");
        var rows = forced.Select(p => (IReadOnlyList<string>)
        [
            p.Lambda.ToString("0.00", inv),
            p.History.Name(),
            p.BlocksPerToken.ToString("0.00", inv),
            p.Agreement.ToString("P1", inv),
            p.FullDepthAgreement is { } f ? f.ToString("P1", inv) : "—",
            p.Offline.BlocksPerToken.ToString("0.00", inv),
            p.Offline.Agreement.ToString("P1", inv),
            (p.BlocksPerToken - p.Offline.BlocksPerToken).ToString("+0.00;-0.00;0.00", inv),
            (p.Agreement - p.Offline.Agreement).ToString("+0.000;-0.000;0.000", inv),
            p.SameExit.ToString("P1", inv),
        ]).ToList();
        o.WriteLine("(history: the tokens before the sample's last at full depth, as dumped, or in exit mode with that fill, as generated)");
        TextTable.Write(o, ["λ", "history", "blocks/token", "agreement", "at full depth", "offline blocks/token", "offline agreement", "Δ blocks", "Δ agreement", "same exit block"], rows,
            new HashSet<int> { 0, 2, 3, 4, 5, 6, 7, 8, 9 });
    }

    private static float PlanLambda(float lambda) => lambda is >= 0 and <= 1
        ? lambda
        : throw new UserInputException($"--plan-lambda must be in [0, 1], not {lambda.ToString(CultureInfo.InvariantCulture)}");

    private static string Headline((double Saved, float Lambda)? headline, CultureInfo inv) => headline is { } h
        ? string.Create(inv, $"blocks saved while keeping ≥ 95 % agreement with the full model: {h.Saved:P1} (λ = {h.Lambda:0.00})")
        : "blocks saved while keeping ≥ 95 % agreement with the full model: none of the λ values kept 95 %";
}
