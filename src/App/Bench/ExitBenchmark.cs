using LlamaJump.App;
using LlamaJump.App.Generate;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;
using LlamaJump.Models;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.App.Bench;

/// <summary>One benchmarked configuration: its settings, the ideal cost in bytes per token (null: not modelled).</summary>
public sealed record ExitCase(string Name, GenerationSettings Settings, double? IdealCost);

/// <summary>A case's medians over the repeats: tokens/s, blocks per token, acceptance (spec), and their ratios to full.</summary>
public sealed record ExitCaseResult(ExitCase Case, double TokensPerSecond, double BlocksPerToken, double? Acceptance, double Speedup, double? IdealSpeedup)
{
    /// <summary>Spec rows: the shares of the generation time in drafting decodes, in verification decodes and in the
    /// rest (choosing, emitting, cache edits), medians over the repeats; null for other rows.</summary>
    public (double Draft, double Verify, double Other)? TimeShares { get; init; }


    public double? OfIdeal => IdealSpeedup is { } ideal ? Speedup / ideal : null;
}

/// <summary>One λ of the sweep: blocks per token, agreement with the full model (teacher-forced and positional), speed.</summary>
public sealed record SweepPoint(float Lambda, double BlocksPerToken, double Agreement, double SequenceAgreement, double TokensPerSecond);

/// <summary>One λ of the planned sweep: the online measurement at the candidates planned for that λ, and what the plan
/// expected offline from the evaluation's samples.</summary>
public sealed record PlannedSweepPoint(SweepPoint Measured, ExitPlan Plan);

/// <param name="Candidates">the paper's rule, every block from ⌊L/4⌋: the sweep's candidates</param>
/// <param name="GuardedCandidates">the default of generate and chat without --levels or --plan</param>
/// <param name="PlannedSweep">with --plan: the sweep again, each λ at its planned candidates (null without)</param>
/// <param name="OfflineSweep">with --plan: per point of <see cref="Sweep"/>, the same rule replayed on the evaluation's
/// exit samples — the offline λ curve's prediction of that online point (null without)</param>
public sealed record ExitBenchmarkResult(ModelInfo Model, string JumpFile, int JumpLevel, int Tokens, int Prompts, int Repeats,
    IReadOnlyList<ExitCaseResult> Cases, IReadOnlyList<int> Candidates, IReadOnlyList<SweepPoint> Sweep,
    IReadOnlyList<int>? GuardedCandidates = null, IReadOnlyList<PlannedSweepPoint>? PlannedSweep = null,
    IReadOnlyList<ExitOutcome>? OfflineSweep = null)
{
    /// <summary>With --dump: the sweep teacher-forced on the evaluation's own test samples, per λ and fill, beside the
    /// offline replay on the same samples (null without).</summary>
    public IReadOnlyList<ForcedSweepPoint>? ForcedSweep { get; init; }

    /// <summary>The smallest blocks per token among sweep points with agreement ≥ 95 %, as blocks saved, and its λ.</summary>
    public (double Saved, float Lambda)? Headline => HeadlineOf(Sweep);

    /// <summary><see cref="Headline"/> of the planned sweep (null without one, or where no λ kept 95 %).</summary>
    public (double Saved, float Lambda)? PlannedHeadline => PlannedSweep is null ? null : HeadlineOf(PlannedSweep.Select(p => p.Measured));

    private (double Saved, float Lambda)? HeadlineOf(IEnumerable<SweepPoint> sweep) => sweep.Where(p => p.Agreement >= 0.95).OrderBy(p => p.BlocksPerToken)
        .Select(p => ((double Saved, float Lambda)?)(1 - p.BlocksPerToken / Model.BlockCount, p.Lambda)).FirstOrDefault();
}

/// <summary>The options of <c>bench exit</c>: the model and its jump file (null: found beside it), tokens per run, repeats, a fixed exit block (null: the λ sweep), the λ values, the spec draft length, threads, and an evaluation's results.json to plan exit mode from (null: no planned rows) with the λ of its rows; with the plan, the dump that evaluation scored (null: no teacher-forced sweep) and how many of its test samples the teacher-forced sweep runs.</summary>
public sealed record ExitBenchOptions(string Model, string? JumpsPath, int Tokens, int Repeats, int? ExitLayer, IReadOnlyList<float> Lambdas, int? DraftLength, int? Threads,
    string? Plan = null, float PlanLambda = 0.9f, ExitPlanGoal PlanGoal = ExitPlanGoal.Cost, string? Dump = null, int DumpSamples = ExitBenchOptions.DefaultDumpSamples)
{
    public const int DefaultDumpSamples = 500;
}

/// <summary>
/// <c>llamajump bench exit</c>: every mode run on the same session and prompts, in alternating order over the
/// repeats (so drift on a shared machine hits all alike), medians compared with full depth and with the ideal of
/// <see cref="ExitCostModel"/>; then the λ sweep with agreement against the full model.
/// </summary>
public sealed class ExitBenchmark(ExitBenchOptions options) : IJob<ExitBenchmarkResult>
{
    public static readonly string[] DefaultPrompts =
    [
        "Once upon a time, there was a little girl named Lily.",
        "One day, a boy named Tom went to the park with his dog.",
        "The sun was shining and the birds were singing.",
        "Mom said it was time to clean up the toys.",
    ];

    public ExitBenchmarkResult Execute(JobContext context, CancellationToken cancel)
    {
        var (model, jumpsPath, tokens, repeats, exitLayer, lambdas, draftLength, threads, planPath, planLambda, _, dumpPath, dumpSamples) = options;
        if (dumpPath is not null && planPath is null)
            throw new UserInputException("--dump needs --plan: the teacher-forced sweep is compared with that evaluation's offline replay");
        var models = context.Models;
        var log = context.Log;
        string path = models.Resolve(model);
        var info = ModelInfo.Read(path);
        if (info.BlockCount < 3)
            throw new UserInputException($"{info.FileName} has {info.BlockCount} blocks; the exit benchmark needs at least 3");
        var set = JumpLocator.Load(path, info, jumpsPath)
            ?? throw new UserInputException($"no jump file for {info.FileName} (beside it or in the cache); make one: {JumpLocator.HowToMake(info.FileName)}");
        int nLayer = info.BlockCount;
        int k = exitLayer ?? nLayer / 2 - 1; // blocks 0..k computed: half the depth
        if (k < 0 || k > nLayer - 2)
            throw new UserInputException($"--exit-layer {k} is beyond {info.FileName}: its exit blocks are 0..{nLayer - 2}");
        var jump = ExitJumps.Choose(set);
        var cost = ExitCostModel.Read(path, jump.Rank);
        var candidates = ExitCandidates.Default(nLayer);

        NativeLog.Quiet(log);
        using var session = ModelSession.Open(path, new SessionOptions(1, Math.Max(512, tokens + 128), threads));
        var generator = new EarlyExitGenerator(session, jump, SamplingOptions.Greedy, k);
        var prompts = DefaultPrompts.Select(session.Tokenize).ToList();
        bool propagates = generator.PropagationUnavailable is null;
        if (!propagates)
            log.WriteLine($"bench exit: {generator.PropagationUnavailable}; the exit rows use recompute");
        var fill = propagates ? KvFill.Propagate : KvFill.Recompute; // for the rows where nothing exits, either is the same
        var cases = new List<ExitCase>
        {
            new("full", new(GenerationMode.Full), cost.Full),
            new("exit, never (λ > 1): machinery only", new(GenerationMode.Exit, Lambda: 2f, Fill: fill, Candidates: candidates), cost.Full),
            new($"exit, λ = 1 at {candidates.Count} candidates (checks, no exit)", new(GenerationMode.Exit, Lambda: 1f, Fill: fill, Candidates: candidates), cost.AllChecks(candidates.Count)),
        };
        if (propagates)
            cases.Add(new($"exit at block {k}, propagate", new(GenerationMode.Exit, ExitLayer: k, Fill: KvFill.Propagate), cost.FixedPropagate(k)));
        cases.Add(new($"exit at block {k}, recompute", new(GenerationMode.Exit, ExitLayer: k, Fill: KvFill.Recompute), cost.FixedRecompute(k)));
        // spec: shared K/V (verification resumes after the draft block, the default) and verification at full depth
        foreach (bool shared in new[] { true, false })
        {
            string verify = shared ? "shared K/V" : "verified at full depth";
            cases.Add(new($"spec, drafts through block {k} × {draftLength ?? 4}, {verify}",
                new(GenerationMode.Spec, ExitLayer: k, DraftLength: draftLength ?? 4, SharedKv: shared), null));
            cases.Add(new($"spec, gated at {GenerateOptions.DefaultDraftThreshold:0.##} with back-off, through block {k} × ≤ {draftLength ?? 4}, {verify}",
                new(GenerationMode.Spec, ExitLayer: k, DraftLength: draftLength ?? 4, DraftThreshold: GenerateOptions.DefaultDraftThreshold, SharedKv: shared), null));
        }
        var guarded = ExitPlanner.Guarded(nLayer, ExitPlanning.CheckBlocks(cost));
        cases.Add(new($"exit, λ = 1 at the guarded default's {guarded.Count} candidates ({string.Join(",", guarded)}; checks, no exit)",
            new(GenerationMode.Exit, Lambda: 1f, Fill: fill, Candidates: guarded), cost.AllChecks(guarded.Count)));
        // what generate and chat do at --plan-lambda without --levels or --plan
        cases.Add(new($"exit, λ {planLambda:0.##}, guarded default ({string.Join(",", guarded)})",
            new(GenerationMode.Exit, Lambda: planLambda, Fill: fill, Candidates: guarded), null));
        var planSource = planPath is null ? null : ExitPlanning.Load(planPath, path, info, set, fill, options.PlanGoal);
        var forcedSamples = dumpPath is null ? null : TeacherForcedSweep.TestSamples(dumpPath, planSource!, dumpSamples);
        if (planSource is not null)
        {
            var plan = planSource.At(planLambda);
            log.WriteLine($"bench exit: {ExitPlanning.Describe(plan)}");
            if (ExitPlanning.AgreementCaveat(plan, fill) is { } caveat)
                log.WriteLine($"bench exit: {caveat}");
            string at = $"exit, λ {planLambda:0.##}";
            cases.Add(new($"{at}, the paper's rule ({candidates.Count} candidates)", new(GenerationMode.Exit, Lambda: planLambda, Fill: fill, Candidates: candidates), null));
            cases.Add(new($"{at}, planned ({(plan.Candidates.Count == 0 ? "none" : string.Join(",", plan.Candidates))})",
                new(GenerationMode.Exit, Lambda: planLambda, Fill: fill, Candidates: plan.Candidates), null));
        }

        log.WriteLine($"bench exit: {session.Describe()}, jumps {Path.GetFileName(set.Source)} (OJFA jump {set.Ojfa}, rank {jump.Rank}); {tokens} tokens × {prompts.Count} prompts, {repeats} alternating repeats");
        Run(generator, prompts, tokens, cases[0].Settings, cancel); // warm-up
        var samples = cases.ToDictionary(c => c, _ => new List<GenerationStats>());
        for (int r = 0; r < repeats && !cancel.IsCancellationRequested; r++)
        {
            for (int i = 0; i < cases.Count; i++)
            {
                var c = cases[(i + r) % cases.Count];
                samples[c].Add(Run(generator, prompts, tokens, c.Settings, cancel));
            }
            log.WriteLine($"bench exit: repeat {r + 1}/{repeats} done");
        }
        double fullRate = Median(samples[cases[0]].Select(s => s.TokensPerSecond));
        var results = cases.Select(c => new ExitCaseResult(c,
            Median(samples[c].Select(s => s.TokensPerSecond)),
            Median(samples[c].Select(s => s.BlocksPerToken)),
            c.Settings.Mode == GenerationMode.Spec ? Median(samples[c].Select(s => s.AcceptanceRate ?? 0)) : null,
            Median(samples[c].Select(s => s.TokensPerSecond)) / fullRate,
            c.IdealCost is { } ideal ? cost.IdealSpeedup(ideal) : null)
        {
            TimeShares = c.Settings.Mode == GenerationMode.Spec ? TimeShares(samples[c]) : null,
        }).ToList();

        var sweep = Sweep(session, generator, prompts, tokens, lambdas, candidates, cancel);
        List<PlannedSweepPoint>? planned = null;
        if (planSource is not null)
        {
            planned = [];
            foreach (float lambda in lambdas)
            {
                if (cancel.IsCancellationRequested)
                    break;
                var at = planSource.At(lambda);
                planned.AddRange(Sweep(session, generator, prompts, tokens, [lambda], at.Candidates, cancel).Select(p => new PlannedSweepPoint(p, at)));
            }
        }
        var offline = planSource is null ? null : sweep.Select(p => planSource.PaperRuleAt(p.Lambda)).ToList();
        IReadOnlyList<ForcedSweepPoint>? forced = null;
        if (forcedSamples is not null)
        {
            // the dump's own context (online must equal offline up to rounding), then generation's under each fill
            ForcedHistory[] histories = propagates
                ? [ForcedHistory.FullDepth, ForcedHistory.Propagate, ForcedHistory.Recompute]
                : [ForcedHistory.FullDepth, ForcedHistory.Recompute];
            log.WriteLine($"bench exit: teacher-forced sweep on {forcedSamples.Count} test samples of {dumpPath}");
            forced = TeacherForcedSweep.Run(generator, forcedSamples, planSource!, lambdas, candidates, histories, cancel);
        }
        return new ExitBenchmarkResult(info, set.Source!, set.Ojfa, tokens, prompts.Count, repeats, results, candidates, sweep, guarded, planned, offline)
        {
            ForcedSweep = forced,
        };
    }

    /// <summary>The λ sweep: for each λ, every prompt generated greedily in exit mode at <paramref name="candidates"/>
    /// (state propagation where the backend has it for the model, recompute otherwise), averaged over the prompts: blocks per token,
    /// teacher-forced agreement with the full model, positional agreement with its own greedy run, tokens/s. Stops
    /// early (fewer points) when cancelled.</summary>
    public static IReadOnlyList<SweepPoint> Sweep(ModelSession session, EarlyExitGenerator generator, IReadOnlyList<int[]> prompts,
        int tokens, IReadOnlyList<float> lambdas, IReadOnlyList<int> candidates, CancellationToken cancel)
    {
        bool propagates = generator.PropagationUnavailable is null;
        var sweep = new List<SweepPoint>();
        var fullTokens = prompts.Select(p => generator.Generate(p, tokens, new GenerationControl(new(GenerationMode.Full)), cancel).Select(t => t.Id).ToList()).ToList();
        foreach (float lambda in lambdas)
        {
            if (cancel.IsCancellationRequested)
                break;
            var settings = new GenerationSettings(GenerationMode.Exit, Lambda: lambda, Candidates: candidates,
                Fill: propagates ? KvFill.Propagate : KvFill.Recompute);
            double blocks = 0, agreement = 0, sequence = 0, rate = 0;
            for (int p = 0; p < prompts.Count; p++)
            {
                var ids = generator.Generate(prompts[p], tokens, new GenerationControl(settings), cancel).Select(t => t.Id).ToList();
                var stats = generator.Stats;
                blocks += stats.BlocksPerToken;
                rate += stats.TokensPerSecond;
                agreement += TeacherForced.Agreement(session, prompts[p], ids);
                sequence += TeacherForced.SequenceAgreement(ids, fullTokens[p]);
            }
            int n = prompts.Count;
            sweep.Add(new SweepPoint(lambda, blocks / n, agreement / n, sequence / n, rate / n));
        }
        return sweep;
    }

    private static (double Draft, double Verify, double Other) TimeShares(IReadOnlyList<GenerationStats> runs)
    {
        double draft = Median(runs.Select(s => s.Seconds > 0 ? s.DraftSeconds / s.Seconds : 0));
        double verify = Median(runs.Select(s => s.Seconds > 0 ? s.VerifySeconds / s.Seconds : 0));
        return (draft, verify, Math.Max(0, 1 - draft - verify));
    }

    /// <summary>All prompts generated with <paramref name="settings"/>; the stats pool tokens, seconds and spec's
    /// draft and verification times.</summary>
    private static GenerationStats Run(EarlyExitGenerator generator, IReadOnlyList<int[]> prompts, int tokens, GenerationSettings settings, CancellationToken cancel)
    {
        int n = 0, drafted = 0, accepted = 0;
        long blocks = 0;
        double seconds = 0, draftSeconds = 0, verifySeconds = 0;
        foreach (var prompt in prompts)
        {
            _ = generator.Generate(prompt, tokens, new GenerationControl(settings), cancel).Count();
            var s = generator.Stats;
            n += s.Tokens;
            blocks += s.BlocksExecuted;
            seconds += s.Seconds;
            drafted += s.Drafted;
            accepted += s.DraftsAccepted;
            draftSeconds += s.DraftSeconds;
            verifySeconds += s.VerifySeconds;
        }
        return new GenerationStats(n, blocks, seconds, [], drafted, accepted, settings.Mode == GenerationMode.Spec)
        {
            DraftSeconds = draftSeconds,
            VerifySeconds = verifySeconds,
        };
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
