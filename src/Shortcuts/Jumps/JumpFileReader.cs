using System.Runtime.InteropServices;
using LlamaJump.Gguf;
using static LlamaJump.Shortcuts.Jumps.JumpFileNames;

namespace LlamaJump.Shortcuts.Jumps;

/// <summary>Reads and validates a jump file for <see cref="JumpFile.Read"/>; each problem becomes a
/// <see cref="JumpFileException"/> "name: problem".</summary>
internal sealed class JumpFileReader
{
    private readonly GgufFile _file;
    private readonly string _name;

    private JumpFileReader(GgufFile file, string name)
    {
        _file = file;
        _name = name;
    }

    public static JumpSet Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string name = Path.GetFileName(path);
        GgufFile file;
        try
        {
            file = GgufFile.Read(path);
        }
        catch (GgufFormatException e)
        {
            throw new JumpFileException($"{e.FileName}: not a readable jump file ({e.Problem})", e);
        }
        return new JumpFileReader(file, name).Parse();
    }

    private JumpSet Parse()
    {
        long? version = _file.GetInteger(KeyFormatVersion);
        if (version is null)
            throw Fail($"not a LlamaJump jump file (no {KeyFormatVersion}; general.architecture is '{_file.GetString("general.architecture") ?? "absent"}')");
        if (version != FormatVersion)
            throw Fail($"jump file format version {version}, this llamajump reads version {FormatVersion}");

        int nLayer = Int(KeyModelNLayer, 2), nEmbd = Int(KeyModelNEmbd, 2);
        int exitLevels = nLayer - 1;
        var identity = new Jumps.JumpIdentity(Text(KeyModelSha256), Text(KeyModelArchitecture), nLayer, nEmbd, Text(KeyModelFile),
            Text(KeyCorpusSha256), UInt64(KeyDumpSeed), Int(KeyTrainCount, 0));
        int rank = Int(KeyRank, 1);
        if (rank >= nEmbd)
            throw Fail($"rank {rank} is not below n_embd {nEmbd}");
        float eps = (float)Real(KeyEps);
        if (!(eps > 0) || !float.IsFinite(eps))
            throw Fail($"{KeyEps} is {eps}, not a positive number");
        var settings = new TrainingSettings(rank, Int(KeyEpochs, 1), Int(KeyBatchSize, 1), Real(KeyLearningRate), UInt64(KeySeed),
            Real(KeyValidationFraction), Int(KeyPatience, 1), Text(KeyStrategy));

        int ojfa = Int(KeyOjfa, 0);
        if (ojfa >= exitLevels)
            throw Fail($"{KeyOjfa} is {ojfa}, but the exit levels are 0 … {exitLevels - 1}");
        double[] d = Doubles(KeyDScores, exitLevels);
        double[] softmax = Doubles(KeyDSoftmax, exitLevels);
        double[] validation = Doubles(KeyValidationLoss, exitLevels);
        if (softmax.Any(p => p is < 0 or > 1))
            throw Fail($"{KeyDSoftmax} holds a value outside [0, 1]");
        double? jointLoss = _file.Metadata.ContainsKey(KeyJointValidationLoss) ? Real(KeyJointValidationLoss) : null;

        int[] levels = Levels(exitLevels);
        if (!levels.Contains(ojfa))
            throw Fail($"the OJFA jump {ojfa} is not among the jumps in the file ({KeyLevels} = [{string.Join(", ", levels)}])");
        bool hasJoint = Flag(KeyJoint);

        CheckTensorNames(levels, hasJoint);
        using var stream = new FileStream(_file.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var jumps = new JumpWeights?[exitLevels];
        foreach (int k in levels)
            jumps[k] = ReadJump(stream, k, nEmbd, rank, eps);
        JumpWeights? joint = hasJoint ? ReadJump(stream, null, nEmbd, rank, eps) : null;

        return new JumpSet(identity, settings, jumps, joint, ojfa, d, softmax, validation)
        {
            JointValidationLoss = hasJoint ? jointLoss : null,
            Source = _file.Path,
        };
    }

    private int[] Levels(int exitLevels)
    {
        var value = Require(KeyLevels);
        uint[] raw = value.AsArray<uint>() ?? throw Fail($"{KeyLevels} is {value.Type}, expected an array of UInt32");
        if (raw.Length == 0)
            throw Fail($"{KeyLevels} is empty: the file holds no jump");
        for (int i = 0; i < raw.Length; i++)
        {
            if (raw[i] >= exitLevels || (i > 0 && raw[i] <= raw[i - 1]))
                throw Fail($"{KeyLevels} must list distinct exit levels 0 … {exitLevels - 1} in increasing order");
        }
        return raw.Select(k => (int)k).ToArray();
    }

    private void CheckTensorNames(int[] levels, bool hasJoint)
    {
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (int? level in levels.Select(k => (int?)k).Concat(hasJoint ? [null] : []))
        {
            foreach (string name in new[] { NormWeight(level), NormBias(level), RunningMean(level), RunningVar(level), A(level), B(level) })
                expected.Add(name);
        }
        foreach (var tensor in _file.Tensors)
        {
            if (!expected.Remove(tensor.Name))
                throw Fail($"unexpected tensor {GgufText.Quote(tensor.Name)} (the metadata lists levels [{string.Join(", ", levels)}]{(hasJoint ? " and the joint jump" : "")})");
        }
        if (expected.Count > 0)
            throw Fail($"tensor {expected.Order(StringComparer.Ordinal).First()} is missing");
    }

    private JumpWeights ReadJump(FileStream stream, int? level, int h, int r, float eps)
    {
        var gamma = Tensor(stream, NormWeight(level), [h]);
        var beta = Tensor(stream, NormBias(level), [h]);
        var mean = Tensor(stream, RunningMean(level), [h]);
        var variance = Tensor(stream, RunningVar(level), [h]);
        if (variance.Any(v => v < 0))
            throw Fail($"{RunningVar(level)} holds a negative variance");
        var a = Tensor(stream, A(level), [r, h]);
        var b = Tensor(stream, B(level), [h, r]);
        return new JumpWeights(h, r, gamma, beta, mean, variance, a, b, eps);
    }

    private float[] Tensor(FileStream stream, string name, long[] dims)
    {
        var info = _file.Tensors.First(t => t.Name == name);
        if (info.Type != GgmlType.F32)
            throw Fail($"tensor {name} is {info.Type}, expected F32");
        if (!info.Dims.SequenceEqual(dims))
            throw Fail($"tensor {name} has dims [{string.Join(", ", info.Dims)}], expected [{string.Join(", ", dims)}] for n_embd and rank");
        var values = new float[info.ElementCount];
        stream.Position = _file.DataOffset + info.Offset;
        try
        {
            stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        catch (EndOfStreamException)
        {
            throw Fail($"tensor {name} is cut short (the file is truncated)");
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
                throw Fail($"tensor {name} holds a non-finite value at element {i}");
        }
        return values;
    }

    private GgufValue Require(string key) =>
        _file.Metadata.TryGetValue(key, out var value) ? value : throw Fail($"key {key} is missing");

    private string Text(string key)
    {
        var value = Require(key);
        return value.AsString() ?? throw Fail($"{key} is {value.Type}, expected a String");
    }

    private int Int(string key, int minimum)
    {
        var value = Require(key);
        long number = value.AsInteger() ?? throw Fail($"{key} is {value.Type}, expected an integer");
        if (number < minimum || number > int.MaxValue)
            throw Fail($"{key} is {number}, expected at least {minimum}");
        return (int)number;
    }

    private ulong UInt64(string key)
    {
        var value = Require(key);
        if (value.Value is ulong u)
            return u;
        if (value.AsInteger() is long n && n >= 0)
            return (ulong)n;
        throw Fail($"{key} is {value.Type}, expected an unsigned integer");
    }

    private double Real(string key)
    {
        var value = Require(key);
        double number = value.Value switch
        {
            double v => v,
            float v => v,
            _ => throw Fail($"{key} is {value.Type}, expected a float"),
        };
        if (!double.IsFinite(number))
            throw Fail($"{key} is {number}, not a finite number");
        return number;
    }

    private bool Flag(string key)
    {
        var value = Require(key);
        return value.Value is bool b ? b : throw Fail($"{key} is {value.Type}, expected a Bool");
    }

    private double[] Doubles(string key, int count)
    {
        var value = Require(key);
        double[] values = value.AsArray<double>() ?? throw Fail($"{key} is {value.Type}, expected an array of Float64");
        if (values.Length != count)
            throw Fail($"{key} has {values.Length} values, expected {count} (one per exit level, n_layer − 1)");
        if (values.Any(v => !double.IsFinite(v)))
            throw Fail($"{key} holds a non-finite value");
        return values;
    }

    private JumpFileException Fail(string problem) => new($"{_name}: {problem}");
}
