using LlamaJump.Shortcuts.Jumps;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlamaJump.Shortcuts.Training;

/// <summary>
/// G jumps as one module (eq. 1 for each, no residual): A [G,H,r], B [G,r,H], BatchNorm's γ and β [G,H] as parameters
/// and its running mean and variance [G,H] as buffers. x [g,N,H] holds one batch per jump (for the jumps in
/// <c>active</c>, or all G).
/// <para>BatchNorm follows <c>nn.BatchNorm1d</c>: in training mode it normalises with the batch mean and the biased
/// batch variance, and updates the running statistics with momentum 0.1 using the unbiased variance; in evaluation
/// mode it uses the running statistics; eps 1e-5; γ starts at 1, β at 0.</para>
/// <para>The computation is eq. 1–2 rearranged so that no [g,N,H] intermediate is ever formed (on a 31 × 256 × 4096
/// batch each one costs more than all the matrix products together, and autograd would keep several):
/// BatchNorm is affine per feature, so BatchNorm(x)·A = x·A′ + c with A′ = diag(γ/σ)·A and c = (β − μ·γ/σ)·A
/// (<see cref="Low"/>; the batch statistics μ, σ depend on the data only, not on a parameter), and
/// ‖low·B − t‖² = low·(B Bᵀ)·low − 2 low·(B t) + ‖t‖² (<see cref="SquaredError"/>). Gradients are those of eq. 2.</para>
/// <para>Numerics: Llama-class hidden states carry massive activations (a few features near ±10³, nearly constant
/// across rows), where both rearrangements cancel catastrophically in fp32 (x·A′ against c, and the three terms of
/// the expansion, each ~‖t‖² while their sum is the small loss). So the rows come shifted by fixed per-feature
/// references — inputs by <see cref="InputShift"/> (per jump), targets by <see cref="TargetShift"/> — which keeps
/// x·A′ and B·t̃ small; BatchNorm does not change under the input shift (the running mean is kept in shifted
/// coordinates, starts at −shift, and is exported with the shift added back), and the target shift s enters the
/// expansion exactly: B Bᵀ, B·s, ‖s‖² and the quadratic and cross terms are float64, while the row-sized products of
/// the shifted rows (x̃·A′, B·t̃, ‖t̃‖², t̃·s) stay fp32. Measured on such rows (tests/Native MassiveActivationTests):
/// the losses agree with a float64 direct difference to ~1e-5 relative, against up to 8e-4 for the plain fp32
/// expansion; a training step costs ~1.1× as much.</para>
/// <para>Jumps outside <c>active</c> take no part in the computation: they get no gradient and their running
/// statistics stay as they are (Adam may still move their weights from its momentum; the trainer keeps each jump's
/// best weights apart, so that does not matter).</para>
/// <para>Parameters and buffers live on the device given to the constructor; the inputs must be there too.
/// <see cref="Export"/> copies weights back to the host.</para>
/// </summary>
internal sealed class StackedJumps : nn.Module<Tensor, Tensor>
{
    public const double Momentum = 0.1;
    public const float Eps = 1e-5f;

    private readonly Parameter _a;
    private readonly Parameter _b;
    private readonly Parameter _gamma;
    private readonly Parameter _beta;
    private readonly Tensor _runningMean;
    private readonly Tensor _runningVar;
    private readonly Tensor _inputShift;
    private readonly Tensor _targetShift;

    /// <param name="a">[G][H][r] initial A, row-major.</param>
    /// <param name="b">[G][r][H] initial B, row-major.</param>
    /// <param name="inputShift">[G][H]: what is subtracted from jump g's input rows before they reach this module.</param>
    /// <param name="targetShift">[H]: what is subtracted from the target rows.</param>
    /// <param name="device">Where every parameter and buffer is created.</param>
    public StackedJumps(int groups, int hidden, int rank, float[] a, float[] b, float[] inputShift, float[] targetShift, Device device)
        : base(nameof(StackedJumps))
    {
        Groups = groups;
        Hidden = hidden;
        Rank = rank;
        _a = nn.Parameter(tensor(a, [groups, hidden, rank], device: device));
        _b = nn.Parameter(tensor(b, [groups, rank, hidden], device: device));
        _gamma = nn.Parameter(ones(groups, hidden, device: device));
        _beta = nn.Parameter(zeros(groups, hidden, device: device));
        _inputShift = tensor(inputShift, [groups, hidden], device: device);
        _targetShift = tensor(targetShift, [hidden], device: device);
        _runningMean = -_inputShift; // nn.BatchNorm1d's running mean starts at 0 in unshifted coordinates
        _runningVar = ones(groups, hidden, device: device);
        register_parameter("a", _a);
        register_parameter("b", _b);
        register_parameter("gamma", _gamma);
        register_parameter("beta", _beta);
        register_buffer("running_mean", _runningMean);
        register_buffer("running_var", _runningVar);
        register_buffer("input_shift", _inputShift);
        register_buffer("target_shift", _targetShift);
    }

    public int Groups { get; }
    public int Hidden { get; }
    public int Rank { get; }

    /// <summary>[G,H]: the per-feature reference each jump's input rows are shifted by.</summary>
    public Tensor InputShift => _inputShift;

    /// <summary>[H]: the per-feature reference the target rows are shifted by.</summary>
    public Tensor TargetShift => _targetShift;

    public override Tensor forward(Tensor input) => Forward(input, null);

    /// <summary>ĥ = BatchNorm(x)·A·B [g,N,H] for shifted inputs x (in training mode this also updates the running
    /// statistics).</summary>
    public Tensor Forward(Tensor x, Tensor? active) => Low(x, active).bmm(Select(_b, active));

    /// <summary>BatchNorm(x)·A [g,N,r], as x·A′ + c. In training mode: batch statistics, and the running statistics
    /// of the active jumps are updated.</summary>
    /// <param name="x">[g,N,H], each jump's rows minus its <see cref="InputShift"/>: g = G, or the length of
    /// <paramref name="active"/>.</param>
    /// <param name="active">Indices of the jumps x feeds (int64, ascending), or null for all.</param>
    public Tensor Low(Tensor x, Tensor? active)
    {
        Tensor a = Select(_a, active);
        Tensor gamma = Select(_gamma, active).unsqueeze(1), beta = Select(_beta, active).unsqueeze(1);
        Tensor mean, inverseStd;
        if (training)
        {
            using var noGrad = no_grad();
            long n = x.shape[1];
            var (variance, batchMean) = var_mean(x, [1L], unbiased: false, keepdim: true); // biased: what the batch is normalised with
            mean = batchMean;
            inverseStd = (variance + Eps).rsqrt();
            Store(_runningMean, active, Select(_runningMean, active) * (1 - Momentum) + batchMean.squeeze(1) * Momentum);
            Store(_runningVar, active, Select(_runningVar, active) * (1 - Momentum) + variance.squeeze(1) * (Momentum * n / (n - 1.0)));
        }
        else
        {
            var shift = Select(_inputShift, active);
            mean = (Select(_runningMean, active) + shift - shift).unsqueeze(1); // the exported running mean, shifted: exactly what inference sees
            inverseStd = (Select(_runningVar, active).unsqueeze(1) + Eps).rsqrt();
        }
        var scale = inverseStd * gamma;                   // [g,1,H]: γ/σ
        var folded = a * scale.transpose(1, 2);           // [g,H,r]: diag(γ/σ)·A
        var offset = (beta - mean * scale).bmm(a);        // [g,1,r]: (β − μ·γ/σ)·A
        return x.bmm(folded) + offset;
    }

    /// <summary>‖ĥ − t‖² per row [g,N], float64, for ĥ = <paramref name="low"/>·B, without forming ĥ.</summary>
    /// <param name="low">[g,N,r] from <see cref="Low"/> with the same <paramref name="active"/>.</param>
    /// <param name="target">[N,H], the same target rows for every jump, minus <see cref="TargetShift"/> (t̃ = t − s).</param>
    public Tensor SquaredError(Tensor low, Tensor target, Tensor? active)
    {
        var b = Select(_b, active);
        long g = b.shape[0], n = target.shape[0];
        var wide = b.to(ScalarType.Float64);
        var shift = _targetShift.to(ScalarType.Float64);
        var gram = wide.bmm(wide.transpose(1, 2));                                            // [g,r,r]: B Bᵀ
        var shifted = wide.matmul(shift).unsqueeze(1);                                        // [g,1,r]: B s
        var projected = target.mm(b.reshape(g * Rank, Hidden).t()).view(n, g, Rank).transpose(0, 1); // [g,N,r]: B t̃, small
        var z = low.to(ScalarType.Float64);
        var quadratic = (z.bmm(gram) * z).sum([2]);
        var cross = (z * (projected.to(ScalarType.Float64) + shifted)).sum([2]);             // low·B·t, t = t̃ + s
        // ‖t‖² = ‖t̃‖² + 2 t̃·s + ‖s‖²: the row-sized terms are small (fp32), the large constant exact (float64).
        var targetNorm = (target.square().sum([1]) + 2 * target.mv(_targetShift)).to(ScalarType.Float64) + shift.square().sum();
        return quadratic - 2 * cross + targetNorm.unsqueeze(0);
    }

    /// <summary>Jump <paramref name="group"/>'s current weights, BatchNorm in inference form (running statistics).</summary>
    public JumpWeights Export(int group)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return new JumpWeights(Hidden, Rank,
            Floats(_gamma[group]), Floats(_beta[group]), Floats(_runningMean[group] + _inputShift[group]), Floats(_runningVar[group]),
            Floats(_a[group]), Floats(_b[group]), Eps);
    }

    /// <summary>The contents of a tensor on any device as a new array (row-major); the caller's dispose scope takes
    /// the intermediates.</summary>
    public static float[] Floats(Tensor t)
    {
        var flat = TorchDevice.ToHost(t.detach().contiguous().reshape(-1));
        var values = new float[flat.shape[0]];
        flat.data<float>().CopyTo(values);
        return values;
    }

    private static Tensor Select(Tensor t, Tensor? active) => active is null ? t : t.index_select(0, active);

    private static void Store(Tensor buffer, Tensor? active, Tensor values)
    {
        if (active is null)
            buffer.copy_(values);
        else
            buffer.index_copy_(0, active, values);
    }
}
