using System.Diagnostics;

namespace LlamaJump.Fuzz;

/// <summary>The result of fuzzing one target: inputs tried, and the inputs that crashed it (with what was thrown).</summary>
public sealed record FuzzReport(string Target, long Inputs, IReadOnlyList<(byte[] Input, string Error)> Crashes);

/// <summary>Feeds mutated seeds to a target until an input budget or a time budget runs out; each input is written
/// to a scratch file (the readers take paths) and read, and the exception, if any, classified.</summary>
public static class Fuzzer
{
    public static FuzzReport Run(FuzzTarget target, string workDirectory, ulong seed, long maxInputs, TimeSpan maxTime)
    {
        var mutator = new Mutator(seed);
        var crashes = new List<(byte[], string)>();
        string path = Path.Combine(workDirectory, $"input-{target.Name}");
        var clock = Stopwatch.StartNew();
        long inputs = 0;
        while (inputs < maxInputs && clock.Elapsed < maxTime)
        {
            byte[] input = mutator.Mutate(target.Seeds[(int)(inputs % target.Seeds.Count)]);
            inputs++;
            if (Try(target, path, input) is { } error)
            {
                crashes.Add((input, error));
            }
        }
        return new FuzzReport(target.Name, inputs, crashes);
    }

    /// <returns>null when the reader accepted the input or refused it with its documented exception; else the crash</returns>
    public static string? Try(FuzzTarget target, string path, byte[] input)
    {
        File.WriteAllBytes(path, input);
        try
        {
            target.Read(path);
            return null;
        }
        catch (Exception e) when (target.IsExpected(e))
        {
            return e.Message.Contains('\n', StringComparison.Ordinal) ? $"multi-line message: {e.Message}" : null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }
}
