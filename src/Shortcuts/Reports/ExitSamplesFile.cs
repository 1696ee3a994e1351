using System.Globalization;
using LlamaJump.Dumps.Safetensors;
using LlamaJump.Shortcuts.Evaluation;

namespace LlamaJump.Shortcuts.Reports;

/// <summary>
/// exit-samples.safetensors beside results.json: the OJFA jump's <see cref="ExitSamples"/>, what
/// <c>generate --mode exit --plan results.json</c> plans its candidate blocks from. Two F32 tensors of [test samples,
/// exit levels]: <c>ojfa.top_probability</c> and <c>ojfa.agrees</c> (1 where head(jump(h^k))'s argmax is the full
/// model's top-1, else 0); <c>__metadata__</c> holds <c>format</c> (<see cref="Format"/>), the model's
/// <c>model_sha256</c> and the <c>ojfa</c> jump, so a file cannot be taken for another model's. Written through a
/// temporary name and renamed, before results.json.
/// </summary>
public static class ExitSamplesFile
{
    public const string FileName = "exit-samples.safetensors";
    public const string Format = "llamajump.exit-samples/1";
    private const string Top = "ojfa.top_probability", Agrees = "ojfa.agrees";

    public static void Write(string path, ExitSamples samples, string modelSha256, int ojfa)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var specs = new[]
        {
            new SafetensorsTensorSpec(Top, TensorDtype.F32, samples.Samples, samples.Levels),
            new SafetensorsTensorSpec(Agrees, TensorDtype.F32, samples.Samples, samples.Levels),
        };
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["model_sha256"] = modelSha256,
            ["ojfa"] = ojfa.ToString(CultureInfo.InvariantCulture),
        };
        using var writer = SafetensorsWriter.Create(path, specs, metadata);
        writer.WriteRows(0, 0, samples.TopProbability);
        writer.WriteRows(1, 0, samples.Agrees.Select(a => a ? 1f : 0f).ToArray());
        writer.Complete();
    }

    /// <summary>Reads the samples and the identity they were recorded for; <see cref="SafetensorsFormatException"/>
    /// for a file that is not one.</summary>
    public static (ExitSamples Samples, string ModelSha256, int Ojfa) Read(string path)
    {
        using var file = SafetensorsFile.Open(path);
        if (file.Metadata.GetValueOrDefault("format") != Format)
            throw new SafetensorsFormatException(path, $"not a {Format} file");
        var top = file.Find(Top);
        var agrees = file.Find(Agrees);
        if (top is null || agrees is null || top.Rows != agrees.Rows || top.RowLength != agrees.RowLength || top.Rows < 1 || top.RowLength < 1
            || !int.TryParse(file.Metadata.GetValueOrDefault("ojfa"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int ojfa))
            throw new SafetensorsFormatException(path, $"no {Top} and {Agrees} of one shape, or no ojfa");
        var samples = new ExitSamples(checked((int)top.Rows), checked((int)top.RowLength), top.ReadAll(),
            [.. agrees.ReadAll().Select(a => a != 0)]);
        return (samples, file.Metadata.GetValueOrDefault("model_sha256") ?? "", ojfa);
    }
}
