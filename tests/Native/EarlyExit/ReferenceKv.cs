using System.Buffers.Binary;
using LlamaJump.Gguf;
using LlamaJump.Tests.Native.Models;

namespace LlamaJump.Tests.Native.EarlyExit;

/// <summary>
/// An independent computation of what a block writes to the KV cache for a block input h at position pos, from the
/// GGUF's tensors and metadata, in plain loops in double, for the families the backend propagates:
/// x = norm(h)·attn_norm (+ attn_norm.bias) — RMSNorm, or LayerNorm for gpt2, stablelm, phi2 and starcoder2; x = h
/// for olmo2, which has no attn_norm; K and V = the rows of attn_k / attn_v, or the K and V rows of a fused attn_qkv,
/// times x, plus their biases where the file has them; K normed where the file has attn_k_norm, × it: per head (RMS
/// for qwen3 and gemma3, LayerNorm for stablelm) or over the whole row (RMS, olmo2);
/// then K is rotated over the first rope.dimension_count elements of each head (partial rotary): ggml's "normal"
/// RoPE (adjacent pairs) for llama and granite, NeoX (pairs i, i + n_rot/2) for the others, as llama.cpp's
/// llama_model_rope_type assigns them; none for gpt2 (learned positions), nor for granite when its
/// rope.scaling.finetuned is false (absent means true). One frequency base for every block (the fixtures give
/// sliding-window blocks the same one) and no RoPE scaling. Tensors may be F32, or Q8_0 / Q4_0,
/// dequantised here from their block layouts (not by ggml); with those the activation is rounded to Q8_0 blocks
/// first, as ggml's CPU mat-mul does (<see cref="ActivationFor"/>).
/// </summary>
internal sealed class ReferenceKv
{
    private readonly GgufFile _file;
    private readonly string _arch;
    private readonly int _nEmbd, _nHead, _nHeadKv, _nRot, _headDim;
    private readonly double _rmsEps, _normEps, _freqBase;

    public ReferenceKv(string modelPath)
    {
        _file = GgufFile.Read(modelPath);
        _arch = _file.GetString("general.architecture")!;
        _nEmbd = (int)_file.GetInteger($"{_arch}.embedding_length")!.Value;
        _nHead = (int)_file.GetInteger($"{_arch}.attention.head_count")!.Value;
        _nHeadKv = (int)(_file.GetInteger($"{_arch}.attention.head_count_kv") ?? _nHead);
        _headDim = (int)(_file.GetInteger($"{_arch}.attention.key_length") ?? _nEmbd / _nHead);
        _nRot = (int)(_file.GetInteger($"{_arch}.rope.dimension_count") ?? _headDim);
        _rmsEps = Real($"{_arch}.attention.layer_norm_rms_epsilon") ?? 1e-5;
        _normEps = Real($"{_arch}.attention.layer_norm_epsilon") ?? 1e-5;
        _freqBase = Real($"{_arch}.rope.freq_base") ?? 10000;
    }

    public int KvWidth => _headDim * _nHeadKv;

    public (double[] K, double[] V) Compute(int block, ReadOnlySpan<float> h, int pos)
    {
        string b = $"blk.{block}";
        double[] x = h.ToArray().Select(v => (double)v).ToArray();
        if (Has($"{b}.attn_norm.weight")) // olmo2 projects the block input itself
        {
            x = LayerNormFamilies.Contains(_arch) ? LayerNorm(x) : RmsNorm(x);
            float[] norm = Tensor($"{b}.attn_norm.weight");
            float[]? normBias = Has($"{b}.attn_norm.bias") ? Tensor($"{b}.attn_norm.bias") : null;
            for (int i = 0; i < _nEmbd; i++)
            {
                x[i] = x[i] * norm[i] + (normBias?[i] ?? 0);
            }
        }
        int nQ = _nHead * _headDim, nKv = KvWidth;
        double[] k, v;
        if (Has($"{b}.attn_qkv.weight"))
        {
            double[] qkv = Project($"{b}.attn_qkv.weight", x, Has($"{b}.attn_qkv.bias") ? $"{b}.attn_qkv.bias" : null);
            k = qkv[nQ..(nQ + nKv)];
            v = qkv[(nQ + nKv)..(nQ + 2 * nKv)];
        }
        else
        {
            k = Project($"{b}.attn_k.weight", x, Has($"{b}.attn_k.bias") ? $"{b}.attn_k.bias" : null);
            v = Project($"{b}.attn_v.weight", x, Has($"{b}.attn_v.bias") ? $"{b}.attn_v.bias" : null);
        }
        if (Has($"{b}.attn_k_norm.weight") && _arch == "olmo2")
        {
            // olmo2: one RMS norm over the whole K row, before the head split
            float[] kNorm = Tensor($"{b}.attn_k_norm.weight");
            double[] normed = RmsNorm(k);
            for (int i = 0; i < k.Length; i++)
                k[i] = normed[i] * kNorm[i];
        }
        else if (Has($"{b}.attn_k_norm.weight"))
        {
            // qwen3: one {head_dim} weight for every head; stablelm: {head_dim, n_head_kv}, one per head
            float[] kNorm = Tensor($"{b}.attn_k_norm.weight");
            for (int head = 0; head < _nHeadKv; head++)
            {
                var slice = k.AsSpan(head * _headDim, _headDim);
                double[] normed = _arch == "stablelm" ? LayerNorm(slice) : RmsNorm(slice);
                for (int i = 0; i < _headDim; i++)
                    slice[i] = normed[i] * kNorm[(kNorm.Length == _headDim ? 0 : head * _headDim) + i];
            }
        }
        bool rotates = _arch switch
        {
            "gpt2" => false,
            // granite's loader reads rope.scaling.finetuned as its switch for RoPE, true when the key is absent
            "granite" => !_file.Metadata.TryGetValue("granite.rope.scaling.finetuned", out var finetuned) || finetuned.Value is true,
            _ => true,
        };
        if (rotates)
        {
            Rotate(k, pos, neox: _arch is not ("llama" or "granite"));
        }
        return (k, v);
    }

    /// <summary>RoPE of every head's first n_rot elements: pairs (i, i+1) in ggml's normal mode, (i, i + n_rot/2)
    /// in NeoX mode, the pair at i0 = 2·j turned by pos·base^(−i0 / n_rot).</summary>
    private void Rotate(double[] k, int pos, bool neox)
    {
        for (int head = 0; head < _nHeadKv; head++)
        {
            for (int i0 = 0; i0 < _nRot; i0 += 2)
            {
                double theta = pos * Math.Pow(_freqBase, -(double)i0 / _nRot);
                int a = head * _headDim + (neox ? i0 / 2 : i0);
                int c = neox ? a + _nRot / 2 : a + 1;
                double x0 = k[a], x1 = k[c];
                k[a] = x0 * Math.Cos(theta) - x1 * Math.Sin(theta);
                k[c] = x0 * Math.Sin(theta) + x1 * Math.Cos(theta);
            }
        }
    }

    /// <summary>The families whose blocks LayerNorm their input (LLM_NORM); the others RMSNorm it.</summary>
    private static readonly HashSet<string> LayerNormFamilies = ["gpt2", "stablelm", "phi2", "starcoder2"];

    private double[] RmsNorm(ReadOnlySpan<double> v)
    {
        double mean = 0;
        foreach (double x in v)
            mean += x * x;
        double scale = 1 / Math.Sqrt(mean / v.Length + _rmsEps);
        var y = new double[v.Length];
        for (int i = 0; i < v.Length; i++)
            y[i] = v[i] * scale;
        return y;
    }

    private double[] LayerNorm(ReadOnlySpan<double> v)
    {
        double mean = 0, variance = 0;
        foreach (double x in v)
            mean += x;
        mean /= v.Length;
        foreach (double x in v)
            variance += (x - mean) * (x - mean);
        double scale = 1 / Math.Sqrt(variance / v.Length + _normEps);
        var y = new double[v.Length];
        for (int i = 0; i < v.Length; i++)
            y[i] = (v[i] - mean) * scale;
        return y;
    }

    private bool Has(string name) => _file.Tensors.Any(t => t.Name == name);

    /// <summary>weight · x (+ bias), the activation rounded as ggml's mat-mul rounds it for the weight's type.</summary>
    private double[] Project(string weight, double[] x, string? bias)
    {
        double[] y = Project(Tensor(weight), ActivationFor(weight, x));
        if (bias is not null)
        {
            float[] add = Tensor(bias);
            for (int o = 0; o < y.Length; o++)
                y[o] += add[o];
        }
        return y;
    }

    /// <summary>What ggml's CPU mat-mul multiplies a weight by: the activation itself for F32 weights; for Q8_0 and
    /// Q4_0 weights the activation rounded to Q8_0 blocks (their vec_dot_type, <see cref="HandQ8_0"/>).</summary>
    private double[] ActivationFor(string weight, double[] x)
    {
        if (_file.Tensors.Single(t => t.Name == weight).Type == GgmlType.F32)
            return x;
        var rounded = new double[x.Length];
        var block = new float[HandQ8_0.BlockElements];
        for (int b = 0; b < x.Length / block.Length; b++)
        {
            for (int i = 0; i < block.Length; i++)
                block[i] = (float)x[block.Length * b + i];
            var (d, q) = HandQ8_0.Block(block);
            float stored = (float)(Half)d; // the block keeps its scale in fp16
            for (int i = 0; i < block.Length; i++)
                rounded[block.Length * b + i] = stored * q[i];
        }
        return rounded;
    }

    // ggml weight {n_embd, n_out}: output o = Σ_i w[o·n_embd + i]·x[i]
    private double[] Project(float[] w, double[] x)
    {
        int nOut = w.Length / _nEmbd;
        var y = new double[nOut];
        for (int o = 0; o < nOut; o++)
        {
            double sum = 0;
            for (int i = 0; i < _nEmbd; i++)
            {
                sum += w[o * _nEmbd + i] * x[i];
            }
            y[o] = sum;
        }
        return y;
    }

    private float[] Tensor(string name)
    {
        var info = _file.Tensors.Single(t => t.Name == name);
        GgmlTypeSize.TryGet(info.Type, out int blockElements, out int blockBytes);
        var bytes = new byte[info.ElementCount / blockElements * blockBytes];
        using var stream = File.OpenRead(_file.Path);
        stream.Position = _file.DataOffset + info.Offset;
        stream.ReadExactly(bytes);
        var values = new float[info.ElementCount];
        switch (info.Type)
        {
            case GgmlType.F32:
                for (int i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4));
                break;
            case GgmlType.Q8_0: // { half d; int8 qs[32]; }: x = d · q
                for (int b = 0; b < values.Length / 32; b++)
                {
                    float d = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(34 * b));
                    for (int i = 0; i < 32; i++)
                        values[32 * b + i] = d * (sbyte)bytes[34 * b + 2 + i];
                }
                break;
            case GgmlType.Q4_0: // { half d; uint8 qs[16]; }: x_j = d · (lo(qs[j]) − 8), x_{j+16} = d · (hi(qs[j]) − 8)
                for (int b = 0; b < values.Length / 32; b++)
                {
                    float d = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(18 * b));
                    for (int j = 0; j < 16; j++)
                    {
                        byte q = bytes[18 * b + 2 + j];
                        values[32 * b + j] = d * ((q & 0xF) - 8);
                        values[32 * b + j + 16] = d * ((q >> 4) - 8);
                    }
                }
                break;
            default:
                throw new InvalidOperationException($"{name} is {info.Type}; the reference reads F32, Q8_0 and Q4_0 tensors");
        }
        return values;
    }

    private double? Real(string key) =>
        _file.Metadata.TryGetValue(key, out var value) ? Convert.ToDouble(value.Value, System.Globalization.CultureInfo.InvariantCulture) : null;
}
