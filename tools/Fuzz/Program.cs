using System.Globalization;
using LlamaJump.Fuzz;

// Usage: LlamaJump.Fuzz [--seconds N] [--inputs N] [--seed S] [--target gguf|safetensors|jumps|all] [--crashes DIR]
// Exit code 0 when no crash was found, 1 otherwise (crashing inputs are saved under --crashes).
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a, p => p.i + 1 < args.Length ? args[p.i + 1] : "");
double seconds = options.TryGetValue("--seconds", out var s) ? double.Parse(s, CultureInfo.InvariantCulture) : 60;
long inputs = options.TryGetValue("--inputs", out var n) ? long.Parse(n, CultureInfo.InvariantCulture) : long.MaxValue;
ulong seed = options.TryGetValue("--seed", out var sd) ? ulong.Parse(sd, CultureInfo.InvariantCulture) : (ulong)Environment.TickCount64;
string target = options.GetValueOrDefault("--target", "all");
string crashes = options.GetValueOrDefault("--crashes", Path.Combine("build", "fuzz-crashes"));

string home = LlamaJump.Models.ModelResolver.LocateHome();
string shared = Path.GetFullPath(Path.Combine(home, "..", "shared"));
string work = Directory.CreateTempSubdirectory("llamajump-fuzz-").FullName;
int found = 0;
try
{
    foreach (var t in FuzzTargets.All(shared, work).Where(t => target == "all" || t.Name == target))
    {
        var report = Fuzzer.Run(t, work, seed, inputs, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"{t.Name}: {report.Inputs} inputs, {report.Crashes.Count} crashes (seed {seed})");
        foreach (var (input, error) in report.Crashes)
        {
            Directory.CreateDirectory(crashes);
            string file = Path.Combine(crashes, $"{t.Name}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(input))[..16]}.bin");
            File.WriteAllBytes(file, input);
            found++;
        }
        foreach (var group in report.Crashes.GroupBy(c => c.Error).Take(10))
        {
            Console.WriteLine($"  crash x{group.Count()}: {group.Key}");
        }
    }
}
finally
{
    Directory.Delete(work, recursive: true);
}
return found == 0 ? 0 : 1;
