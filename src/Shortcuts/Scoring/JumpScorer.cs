using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Shortcuts.Training;
using static TorchSharp.torch;

namespace LlamaJump.Shortcuts.Scoring;

/// <summary>
/// D_m of eq. 4–5 for every candidate jump at once, with TorchSharp, over all rows of <see cref="IJumpRows"/> in
/// chunks of consecutive rows (memory: a few chunk-sized tensors, never the whole split).
/// <para>Each candidate's BatchNorm (inference form) is affine, so jump_m(h) = h·A′_m·B_m + c_m·B_m with
/// A′_m = diag(γ/√(var+eps))·A_m and c_m = (β − mean·γ/√(var+eps))·A_m. With z = h·A′_m + c_m (r numbers):
/// jump_m(h)·t = z·(B_m t) and ‖jump_m(h)‖² = z·(B_m B_mᵀ)·z, so the cosine needs only the r-dimensional z of every
/// candidate — one [rows × H]·[H × M·r] product per exit level — instead of M full H-dimensional outputs. The cosines
/// and their mean are taken in double.</para>
/// <para>Computes on the given device (the CPU by default): the candidates' weights are created there, each chunk of
/// rows is read on the host and copied over, D_m comes back to the host.</para>
/// </summary>
public static class JumpScorer
{
    /// <param name="candidates">Jump m = 0 … M−1, all of width n_embd and the same rank.</param>
    /// <param name="chunkRows">Rows per chunk (default: about 16 MiB of floats per block).</param>
    /// <param name="device">Where to compute (<see cref="TorchRuntime.ResolveDevice(TorchDeviceChoice)"/>); null: the CPU.</param>
    public static JumpScores Score(IJumpRows rows, IReadOnlyList<JumpWeights> candidates, int? chunkRows = null,
        CancellationToken cancellation = default, TorchDevice? device = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(candidates);
        if (candidates.Count == 0)
            throw new ArgumentException("no candidate jumps", nameof(candidates));
        int h = rows.NEmbd, r = candidates[0].Rank, m = candidates.Count, levels = rows.NLayer - 1;
        if (candidates.Any(c => c.Hidden != h || c.Rank != r))
            throw new ArgumentException($"every candidate must have n_embd {h} and rank {r}", nameof(candidates));
        if (levels < 1 || rows.Count == 0)
            throw new ArgumentException($"{rows.Name} has no exit level or no rows to score on", nameof(rows));
        TorchRuntime.EnsureLoadable(); // also MKL's reproducible mode
        device ??= TorchDevice.Cpu;
        int chunk = chunkRows ?? Math.Max(1, (4 << 20) / h);
        chunk = Math.Min(chunk, rows.Count);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var on = device.Torch;
        var gamma = Stack(candidates, c => c.Gamma, h, on);
        var beta = Stack(candidates, c => c.Beta, h, on);
        var mean = Stack(candidates, c => c.RunningMean, h, on);
        var variance = Stack(candidates, c => c.RunningVar, h, on);
        var eps = tensor(candidates.Select(c => c.Eps).ToArray(), device: on).unsqueeze(1);
        var a = tensor(candidates.SelectMany(c => c.A).ToArray(), [m, h, r], device: on);
        var b = tensor(candidates.SelectMany(c => c.B).ToArray(), [m, r, h], device: on);
        var scale = gamma * (variance + eps).rsqrt();                    // [M,H]
        var shift = beta - mean * scale;                                // [M,H]
        var aAll = (a * scale.unsqueeze(2)).permute(1, 0, 2).reshape(h, m * r); // [H, M·r], block m = A′_m
        var offset = shift.unsqueeze(1).bmm(a).reshape(m * r);          // [M·r], block m = c_m
        var bAll = b.reshape(m * r, h);                                 // [M·r, H], block m = B_m
        var gram = b.bmm(b.transpose(1, 2)).to(ScalarType.Float64);     // [M,r,r]

        var targetBuffer = new AlignedFloats((long)chunk * h);
        var inputBuffer = new AlignedFloats((long)chunk * h);
        var sums = zeros(m, dtype: ScalarType.Float64, device: on);
        for (int first = 0; first < rows.Count; first += chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            int n = Math.Min(chunk, rows.Count - first);
            rows.ReadRows(rows.NLayer - 1, first, targetBuffer.Span(0, (long)n * h));
            using var chunkScope = NewDisposeScope();
            var target = device.Place(targetBuffer.View(n, h));
            var projected = target.mm(bAll.t()).view(n, m, r).transpose(0, 1).to(ScalarType.Float64); // B_m t: [M,n,r]
            var targetNorm2 = target.to(ScalarType.Float64).square().sum([1]).unsqueeze(0);          // [1,n]
            for (int k = 0; k < levels; k++)
            {
                rows.ReadRows(k, first, inputBuffer.Span(0, (long)n * h));
                using var levelScope = NewDisposeScope();
                var input = device.Place(inputBuffer.View(n, h));
                var z = (input.mm(aAll) + offset).view(n, m, r).transpose(0, 1).to(ScalarType.Float64); // [M,n,r]
                var dot = (z * projected).sum([2]);                                    // [M,n]
                var norm2 = (z.bmm(gram) * z).sum([2]).clamp_min(0);                    // [M,n]
                var denominator = (norm2 * targetNorm2).sqrt();
                var cosine = where(denominator > 0, dot / denominator, zeros_like(dot)).clamp(-1, 1);
                sums.add_((cosine * cosine.abs()).sum([1]));
            }
        }
        var d = sums.div((double)rows.Count * levels);
        return JumpScores.From(TorchDevice.ToHost(d).data<double>().ToArray());
    }

    private static Tensor Stack(IReadOnlyList<JumpWeights> candidates, Func<JumpWeights, float[]> field, int h, Device device) =>
        tensor(candidates.SelectMany(field).ToArray(), [candidates.Count, h], device: device);
}
