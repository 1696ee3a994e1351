using System.Diagnostics;
using LlamaJump.Engine.Generation;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.Shortcuts.Evaluation;

/// <summary>
/// The paper's evaluation (sections 5–6, Figures 2 and 4): for every exit level k = 0 … L−2 and every shortcut, the
/// shortcut's prediction head(shortcut(h^k)) on each test sample is compared with the full model's top-1 token:
/// Precision@1 and Surprisal, averaged over the test samples (<see cref="LogitScorer"/>). Shortcuts: identity
/// (head(h^k)), N-NJTC (jump_k), OJFA (jump_{m*}), each selected arbitrary jump m, and the joint jump — those the
/// jump set holds. Identity at the last block (head(h^{L−1}), the full model) is scored too, as a sanity check.
/// <para>Work: per level, per batch of rows, each distinct jump once (N-NJTC at level k is the arbitrary jump k; OJFA
/// is the arbitrary jump m*), then one head call per jump. The head runs on the calling thread; jumps and scoring use
/// <see cref="EvalSettings.Threads"/>. Sums are taken in row order, so results do not depend on threads or batch
/// size beyond float rounding inside the head.</para>
/// <para>For OJFA and N-NJTC every sample's top probability and argmax at every exit level are kept (samples × levels
/// floats and ints each) and replayed into the offline early-exit curve (<see cref="ExitCurve"/>) at the online exit
/// mode's default candidates, <c>ExitCandidates.Default(L)</c>.</para>
/// </summary>
public sealed class JumpEvaluator(IHead head, EvalSettings settings)
{
    /// <summary>Key of the identity shortcut in a level's work list; jumps are keyed by their level m ≥ 0.</summary>
    private const int IdentityKey = -1;
    private const int JointKey = -2;

    /// <summary>What <see cref="Evaluate"/> will do: the arbitrary jumps, the methods present, and the hidden vectors
    /// that go through the head (for progress).</summary>
    public EvalPlan Plan(IEvalSamples samples, JumpSet jumps)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(jumps);
        int nLayer = samples.NLayer;
        if (nLayer < 2)
        {
            throw new EvaluationException($"the samples have {nLayer} block; exit levels need at least 2");
        }
        if (jumps.Identity.NLayer != nLayer || jumps.Identity.NEmbd != samples.NEmbd)
        {
            throw new EvaluationException(
                $"the jumps are for {jumps.Identity.NLayer} blocks of n_embd {jumps.Identity.NEmbd}, the samples have {nLayer} blocks of n_embd {samples.NEmbd}");
        }
        if (head.NEmbd != samples.NEmbd)
        {
            throw new EvaluationException($"the head takes n_embd {head.NEmbd}, the samples have n_embd {samples.NEmbd}");
        }
        if (jumps.Levels.Count != nLayer - 1)
        {
            throw new EvaluationException($"the jump set has {jumps.Levels.Count} level slots, expected one per exit level ({nLayer - 1})");
        }
        if (samples.Count == 0)
        {
            throw new EvaluationException("there are no test samples");
        }
        foreach (var (jump, m) in jumps.Levels.Select((j, m) => (j, m)).Append((jumps.Joint, -1)))
        {
            if (jump is not null && jump.Hidden != samples.NEmbd)
            {
                throw new EvaluationException($"{(m < 0 ? "the joint jump" : $"jump {m}")} is for n_embd {jump.Hidden}, the samples have n_embd {samples.NEmbd}");
            }
        }
        int exitLevels = nLayer - 1;
        var available = Enumerable.Range(0, exitLevels).Where(m => jumps.Levels[m] is not null).ToList();
        bool nnjtc = available.Count == exitLevels;
        bool ojfa = jumps.Ojfa >= 0 && jumps.Ojfa < exitLevels && jumps.Levels[jumps.Ojfa] is not null;
        var selection = settings.Arbitrary;
        IReadOnlyList<int> arbitrary;
        ArbitrarySample? sample = null;
        // Arbitrary choices compare jumps with each other: meaningless with only the OJFA jump at hand, unless listed.
        if ((selection.All || selection.IsSample) && !nnjtc)
        {
            arbitrary = [];
        }
        else
        {
            try
            {
                arbitrary = selection.Resolve(available, exitLevels, ojfa ? jumps.Ojfa : -1);
            }
            catch (ArgumentException e)
            {
                throw new EvaluationException(e.Message);
            }
            sample = selection.SampleOf(available);
        }
        bool joint = jumps.Joint is not null;

        var keys = new List<int>[nLayer];
        for (int k = 0; k < exitLevels; k++)
        {
            var set = new SortedSet<int> { IdentityKey };
            if (nnjtc) set.Add(k);
            if (ojfa) set.Add(jumps.Ojfa);
            if (joint) set.Add(JointKey);
            set.UnionWith(arbitrary);
            keys[k] = [.. set];
        }
        keys[nLayer - 1] = [IdentityKey];
        int arbitraryRows = Math.Min(samples.Count, settings.ArbitraryRows ?? samples.Count);
        var rowCounts = keys.Select((list, level) => list.Select(key =>
            key == IdentityKey || key == JointKey || (nnjtc && key == level) || (ojfa && key == jumps.Ojfa) ? samples.Count : arbitraryRows).ToArray()).ToList();
        long vectors = rowCounts.Sum(counts => counts.Sum(c => (long)c));
        return new EvalPlan(arbitrary, sample, nnjtc, ojfa, joint, keys, vectors, rowCounts, arbitraryRows);
    }

    /// <summary>The levels of <paramref name="plan"/> that <paramref name="store"/> holds finished, and their hidden
    /// vectors through the head: what <see cref="Evaluate"/> will take from the store instead of computing.</summary>
    public (int Levels, long HeadVectors) Kept(EvalPlan plan, IEvalSamples samples, IEvalLevelStore store)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(store);
        int levels = 0;
        long vectors = 0;
        for (int level = 0; level < plan.Keys.Count; level++)
        {
            if (store.Read(level) is { } kept && kept.Fits(plan, level, samples.Count))
            {
                levels++;
                vectors += plan.RowCounts[level].Sum(c => (long)c);
            }
        }
        return (levels, vectors);
    }

    /// <summary>Evaluates <paramref name="jumps"/> on <paramref name="samples"/>. <paramref name="progress"/> gets
    /// the number of hidden vectors after each head call. With a <paramref name="store"/>, every level finished is
    /// written there, and a level the store already holds for this plan is taken from it (no head call, no progress;
    /// see <see cref="Kept"/>), so a run stopped part-way resumes at its first unfinished level with the same sums it
    /// would have computed. <paramref name="cancellation"/> is checked before every batch of rows
    /// (<see cref="OperationCanceledException"/>); the levels finished before stay in the store.</summary>
    /// <exception cref="EvaluationException">mismatched shapes, a top-1 token outside the head's vocabulary, or
    /// non-finite logits</exception>
    public EvalResult Evaluate(IEvalSamples samples, JumpSet jumps, Action<long>? progress = null, IEvalLevelStore? store = null,
        CancellationToken cancellation = default)
    {
        var plan = Plan(samples, jumps);
        var clock = Stopwatch.StartNew();
        int nLayer = samples.NLayer, nEmbd = samples.NEmbd, nVocab = head.NVocab, count = samples.Count;
        int threads = settings.EffectiveThreads;
        var targets = new int[count];
        double dumpSurprisal = 0;
        for (int i = 0; i < count; i++)
        {
            targets[i] = samples.Top1(i);
            if ((uint)targets[i] >= (uint)nVocab)
            {
                throw new EvaluationException($"test row {i}: the full model's top-1 token {targets[i]} is outside the head's vocabulary of {nVocab}");
            }
            dumpSurprisal -= samples.Top1LogProb(i);
        }
        dumpSurprisal /= count;

        int batch = Math.Min(settings.RowsPerCall(nVocab), count);
        var hidden = new float[batch * nEmbd];
        var jumped = new float[batch * nEmbd];
        var logits = new float[batch * nVocab];
        var hits = new bool[batch];
        var surprisal = new double[batch];
        var argmax = new int[batch];
        var topProbability = new float[batch];
        int exitLevels = nLayer - 1;
        var ojfaPredictions = plan.Ojfa ? ExitPredictions.Create(count, exitLevels) : null;
        var nnjtcPredictions = plan.Nnjtc ? ExitPredictions.Create(count, exitLevels) : null;
        // [level][key index] → hits, surprisal sum
        var hitCounts = plan.Keys.Select(list => new long[list.Count]).ToArray();
        var surprisalSums = plan.Keys.Select(list => new double[list.Count]).ToArray();
        long headVectors = 0;
        var headClock = new Stopwatch();
        double keptHeadSeconds = 0, keptSeconds = 0;

        for (int level = 0; level < nLayer; level++)
        {
            var keys = plan.Keys[level];
            if (store?.Read(level) is { } kept && kept.Fits(plan, level, count))
            {
                kept.Hits.CopyTo(hitCounts[level], 0);
                kept.SurprisalSums.CopyTo(surprisalSums[level], 0);
                SetColumn(ojfaPredictions, level, kept.OjfaTopProbability, kept.OjfaArgmax);
                SetColumn(nnjtcPredictions, level, kept.NnjtcTopProbability, kept.NnjtcArgmax);
                headVectors += kept.HeadVectors;
                keptHeadSeconds += kept.HeadSeconds;
                keptSeconds += kept.Seconds;
                continue;
            }
            var levelClock = Stopwatch.StartNew();
            long levelVectorsBefore = headVectors;
            double headSecondsBefore = headClock.Elapsed.TotalSeconds;
            for (int first = 0; first < count; first += batch)
            {
                cancellation.ThrowIfCancellationRequested();
                int batchRows = Math.Min(batch, count - first);
                samples.ReadRows(level, first, hidden.AsSpan(0, batchRows * nEmbd));
                for (int j = 0; j < keys.Count; j++)
                {
                    // a key scored on fewer samples (an arbitrary-only jump) takes this batch's rows below its count
                    int rows = Math.Clamp(plan.RowCounts[level][j] - first, 0, batchRows);
                    if (rows == 0)
                        continue;
                    var input = hidden;
                    if (keys[j] != IdentityKey)
                    {
                        ApplyJump(keys[j] == JointKey ? jumps.Joint! : jumps.Levels[keys[j]]!, hidden, jumped, rows, nEmbd, threads);
                        input = jumped;
                    }
                    headClock.Start();
                    head.Apply(input.AsSpan(0, rows * nEmbd), rows, logits.AsSpan(0, rows * nVocab));
                    headClock.Stop();
                    headVectors += rows;
                    var record = new List<ExitPredictions>(2);
                    if (level < exitLevels && ojfaPredictions is not null && keys[j] == jumps.Ojfa) record.Add(ojfaPredictions);
                    if (level < exitLevels && nnjtcPredictions is not null && keys[j] == level) record.Add(nnjtcPredictions);
                    LogitScorer.ScoreRows(logits, rows, nVocab, targets[first..(first + rows)], hits, surprisal, threads,
                        record.Count > 0 ? argmax : null, record.Count > 0 ? topProbability : null);
                    foreach (var predictions in record)
                    {
                        for (int i = 0; i < rows; i++)
                        {
                            predictions.TopProbability[(first + i) * exitLevels + level] = topProbability[i];
                            predictions.Argmax[(first + i) * exitLevels + level] = argmax[i];
                        }
                    }
                    for (int i = 0; i < rows; i++)
                    {
                        if (!double.IsFinite(surprisal[i]))
                        {
                            throw new EvaluationException(
                                $"{Describe(keys[j])} at level {level} gives non-finite logits for test row {first + i}");
                        }
                        hitCounts[level][j] += hits[i] ? 1 : 0;
                        surprisalSums[level][j] += surprisal[i];
                    }
                    progress?.Invoke(rows);
                }
            }
            if (store is not null)
            {
                bool keeps = level < exitLevels;
                var (ojfaTop, ojfaArgmax) = Column(keeps ? ojfaPredictions : null, level);
                var (nnjtcTop, nnjtcArgmax) = Column(keeps ? nnjtcPredictions : null, level);
                store.Write(new EvalLevelState(level, [.. keys], [.. plan.RowCounts[level]], [.. hitCounts[level]], [.. surprisalSums[level]],
                    ojfaTop, ojfaArgmax, nnjtcTop, nnjtcArgmax, headVectors - levelVectorsBefore,
                    headClock.Elapsed.TotalSeconds - headSecondsBefore, levelClock.Elapsed.TotalSeconds));
            }
        }

        MethodScores Scores(Func<int, int> keyAtLevel)
        {
            var precision = new double[exitLevels];
            var meanSurprisal = new double[exitLevels];
            for (int k = 0; k < exitLevels; k++)
            {
                int j = plan.Keys[k].IndexOf(keyAtLevel(k));
                precision[k] = (double)hitCounts[k][j] / plan.RowCounts[k][j];
                meanSurprisal[k] = surprisalSums[k][j] / plan.RowCounts[k][j];
            }
            return new MethodScores(precision, meanSurprisal);
        }
        var arbitrary = plan.Arbitrary.ToDictionary(m => m, m => Scores(_ => m));
        var sanity = new SanityCheck(nLayer - 1, (double)hitCounts[nLayer - 1][0] / count, surprisalSums[nLayer - 1][0] / count, dumpSurprisal);
        return new EvalResult(
            nLayer, nEmbd, nVocab, count, jumps.Ojfa,
            Scores(_ => IdentityKey),
            plan.Nnjtc ? Scores(k => k) : null,
            plan.Ojfa ? Scores(_ => jumps.Ojfa) : null,
            plan.Joint ? Scores(_ => JointKey) : null,
            arbitrary,
            arbitrary.Count > 0 ? Mean(arbitrary.Values, exitLevels) : null,
            arbitrary.Count > 0 ? Range(arbitrary.Values, exitLevels) : null,
            sanity,
            new EvalThroughput(headVectors, headClock.Elapsed.TotalSeconds + keptHeadSeconds, clock.Elapsed.TotalSeconds + keptSeconds),
            Curve(ojfaPredictions, nnjtcPredictions, targets, nLayer),
            plan.ArbitrarySample,
            arbitrary.Count > 0 && plan.ArbitraryRows < count ? plan.ArbitraryRows : null,
            ojfaPredictions is null ? null : ExitSamples.From(ojfaPredictions, targets));
    }

    /// <summary>Level <paramref name="level"/> of every sample's top probability and argmax (null, null without
    /// predictions).</summary>
    private static (float[]?, int[]?) Column(ExitPredictions? predictions, int level)
    {
        if (predictions is null)
            return (null, null);
        var top = new float[predictions.Samples];
        var argmax = new int[predictions.Samples];
        for (int i = 0; i < top.Length; i++)
        {
            top[i] = predictions.TopProbability[i * predictions.Levels + level];
            argmax[i] = predictions.Argmax[i * predictions.Levels + level];
        }
        return (top, argmax);
    }

    private static void SetColumn(ExitPredictions? predictions, int level, float[]? top, int[]? argmax)
    {
        if (predictions is null || top is null || argmax is null)
            return;
        for (int i = 0; i < top.Length; i++)
        {
            predictions.TopProbability[i * predictions.Levels + level] = top[i];
            predictions.Argmax[i * predictions.Levels + level] = argmax[i];
        }
    }

    private static ExitCurve? Curve(ExitPredictions? ojfa, ExitPredictions? nnjtc, int[] targets, int nLayer)
    {
        if (ojfa is null && nnjtc is null)
        {
            return null;
        }
        var candidates = ExitCandidates.Default(nLayer);
        MethodExitCurve? Of(ExitPredictions? p) => p is null ? null : ExitCurve.Compute(p, targets, candidates, ExitCurve.DefaultLambdas);
        return new ExitCurve(candidates, Of(ojfa), Of(nnjtc));
    }

    private static void ApplyJump(JumpWeights jump, float[] input, float[] output, int rows, int nEmbd, int threads)
    {
        int slices = (int)Math.Clamp(Math.Min(threads, rows * (long)nEmbd * jump.Rank / MinMultiplyAddsPerSlice), 1, rows);
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = threads }, slice =>
        {
            int first = (int)((long)rows * slice / slices), end = (int)((long)rows * (slice + 1) / slices);
            jump.Apply(input.AsSpan(first * nEmbd, (end - first) * nEmbd), output.AsSpan(first * nEmbd, (end - first) * nEmbd), end - first);
        });
    }

    private static MethodScores Mean(IEnumerable<MethodScores> all, int levels)
    {
        var list = all.ToList();
        return new MethodScores(
            Enumerable.Range(0, levels).Select(k => list.Average(s => s.Precision[k])).ToList(),
            Enumerable.Range(0, levels).Select(k => list.Average(s => s.Surprisal[k])).ToList());
    }

    private static ArbitraryRange Range(IEnumerable<MethodScores> all, int levels)
    {
        var list = all.ToList();
        ScoreRange Of(Func<MethodScores, IReadOnlyList<double>> pick) => new(
            Enumerable.Range(0, levels).Select(k => list.Min(s => pick(s)[k])).ToList(),
            Enumerable.Range(0, levels).Select(k => list.Max(s => pick(s)[k])).ToList());
        return new ArbitraryRange(Of(s => s.Precision), Of(s => s.Surprisal));
    }

    private static string Describe(int key) => key switch
    {
        IdentityKey => "the identity shortcut",
        JointKey => "the joint jump",
        _ => $"jump {key}",
    };

    /// <summary>Below this many multiply-adds per thread a slice of a jump is not worth a thread.</summary>
    private const long MinMultiplyAddsPerSlice = 1 << 16;
}

/// <summary>What an evaluation covers: the arbitrary jumps m scored (increasing) and, when they are a seeded sample
/// that left jumps out, how it was drawn (null otherwise); which of N-NJTC, OJFA and joint are present; the shortcut
/// keys per level (identity −1, joint −2, jump m as m; level L−1 holds identity only); and the number of hidden
/// vectors through the head.</summary>
/// <param name="RowCounts">[level][key index]: the test samples each key is scored on (all of them, or
/// <paramref name="ArbitraryRows"/> for a jump that is only an arbitrary choice at that level).</param>
public sealed record EvalPlan(
    IReadOnlyList<int> Arbitrary, ArbitrarySample? ArbitrarySample, bool Nnjtc, bool Ojfa, bool Joint, IReadOnlyList<List<int>> Keys, long HeadVectors,
    IReadOnlyList<int[]> RowCounts, int ArbitraryRows);
