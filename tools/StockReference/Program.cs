using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using LLama;
using LLama.Native;
using LlamaJump.StockReference;

// Usage: LlamaJump.StockReference generate <model.gguf> <out.json> [max_tokens]
//        LlamaJump.StockReference hidden   <model.gguf> <out.json>
// Runs on the stock LLamaSharp.Backend.Cpu 0.30.0 and writes the fixtures that tests/Native compares with:
//   generate — ReferenceRuns (greedy and penalties+DRY generation)
//   hidden   — l_out-<il> of every block for ReferenceRuns.Prompts, as llama.cpp's eval callback sees them
const string usage = "usage: LlamaJump.StockReference generate|hidden <model.gguf> <out.json> [max_tokens]";
if (args.Length < 3 || args[0] is not ("generate" or "hidden"))
{
    Console.Error.WriteLine(usage);
    return 2;
}
string modelPath = Path.GetFullPath(args[1]);
string outPath = Path.GetFullPath(args[2]);
if (!File.Exists(modelPath))
{
    Console.Error.WriteLine($"model not found: {modelPath}");
    return 2;
}

NativeLogConfig.llama_log_set((level, message) => { if (level >= LLamaLogLevel.Error) { Console.Error.Write(message); } });
var parameters = ReferenceRuns.Parameters(modelPath);
using var weights = LLamaWeights.LoadFromFile(parameters);
string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelPath)));
const string backend = "LLamaSharp 0.30.0 + LLamaSharp.Backend.Cpu 0.30.0 (llama.cpp b10221)";
object fixture;
if (args[0] == "generate")
{
    int maxTokens = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 40;
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
    fixture = new { tool = "tools/StockReference generate", backend, model = Path.GetFileName(modelPath), model_sha256 = sha, max_tokens = maxTokens, cases };
}
else
{
    var cases = ReferenceRuns.Prompts.Select(p => HiddenStateRecorder.Record(weights, p)).ToList();
    Console.Error.WriteLine($"recorded l_out of {cases[0].Blocks.Length} blocks for {cases.Count} prompts");
    fixture = new { tool = "tools/StockReference hidden", backend, model = Path.GetFileName(modelPath), model_sha256 = sha, n_embd = weights.EmbeddingSize, cases };
}

string tmp = outPath + ".tmp";
File.WriteAllText(tmp, JsonSerializer.Serialize(fixture, new JsonSerializerOptions { WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }) + "\n");
File.Move(tmp, outPath, overwrite: true);
Console.Error.WriteLine($"wrote {outPath}");
return 0;
