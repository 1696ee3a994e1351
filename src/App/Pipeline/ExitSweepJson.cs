using System.Text;
using System.Text.Json;

namespace LlamaJump.App.Pipeline;

/// <summary>Reads and writes exit.json (<see cref="ExitSweep"/> as snake_case JSON; a number that is not finite is
/// null).</summary>
public static class ExitSweepJson
{
    internal static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static string Write(ExitSweep sweep) => JsonSerializer.Serialize(sweep with
    {
        Points = sweep.Points.Select(p => p with { Agreement = Finite(p.Agreement), SequenceAgreement = Finite(p.SequenceAgreement) }).ToList(),
    }, Options) + "\n";

    public static void WriteFile(string path, ExitSweep sweep) =>
        Shortcuts.Reports.ReportWriter.WriteAtomically(path, Encoding.UTF8.GetBytes(Write(sweep)));

    /// <summary>The sweep in <paramref name="path"/>, or null when there is none or it cannot be read as one (then
    /// the step is simply redone).</summary>
    public static ExitSweep? TryRead(string path)
    {
        try
        {
            var sweep = File.Exists(path) ? JsonSerializer.Deserialize<ExitSweep>(File.ReadAllText(path), Options) : null;
            return sweep is { SchemaVersion: ExitSweep.CurrentVersion, ModelSha256: not null, JumpsSha256: not null, Prompts: not null, Points: not null } ? sweep : null;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            return null;
        }
    }

    internal static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
