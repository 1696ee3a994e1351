using System.Security.Cryptography;
using System.Text.Json;
using LLama;
using LLama.Native;
using LlamaJump.StockReference;

// Usage: LlamaJump.StockReference <model.gguf> <out.json> [max_tokens]
// Runs ReferenceRuns on the stock LLamaSharp.Backend.Cpu 0.30.0 and writes the fixture that tests/Native compares with.
if (args.Length is < 2 or > 3)
{
    Console.Error.WriteLine("usage: LlamaJump.StockReference <model.gguf> <out.json> [max_tokens]");
    return 2;
}
string modelPath = Path.GetFullPath(args[0]);
string outPath = Path.GetFullPath(args[1]);
int maxTokens = args.Length == 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 40;
if (!File.Exists(modelPath))
{
    Console.Error.WriteLine($"model not found: {modelPath}");
    return 2;
}

NativeLogConfig.llama_log_set((level, message) => { if (level >= LLamaLogLevel.Warning) { Console.Error.Write(message); } });
var parameters = ReferenceRuns.Parameters(modelPath);
using var weights = LLamaWeights.LoadFromFile(parameters);
var cases = new List<ReferenceCase>();
foreach (var sampler in new[] { ReferenceRuns.Greedy, ReferenceRuns.PenaltiesDry })
{
    foreach (var prompt in ReferenceRuns.Prompts)
    {
        var run = ReferenceRuns.Generate(weights, parameters, prompt, sampler, maxTokens);
        Console.Error.WriteLine($"[{sampler}] {prompt} -> {run.Text}");
        cases.Add(run);
    }
}

var fixture = new
{
    tool = "tools/StockReference",
    backend = "LLamaSharp 0.30.0 + LLamaSharp.Backend.Cpu 0.30.0 (llama.cpp b10221)",
    model = Path.GetFileName(modelPath),
    model_sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelPath))),
    max_tokens = maxTokens,
    cases,
};
string tmp = outPath + ".tmp";
File.WriteAllText(tmp, JsonSerializer.Serialize(fixture, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }) + "\n");
File.Move(tmp, outPath, overwrite: true);
Console.Error.WriteLine($"wrote {cases.Count} cases to {outPath}");
return 0;
