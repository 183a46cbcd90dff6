using System;
using System.Collections.Generic;
using System.Linq;
using CoupleGen.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace CoupleGen.Weights;

/// <summary>Copies tensors from a weight file into a module, checking keys, shapes and values first.</summary>
public static class ModuleWeights
{
    /// <summary>
    /// Loads <paramref name="weights"/> into <paramref name="module"/> (on whatever device it is).
    /// Nothing is copied unless every check passes.
    /// </summary>
    /// <param name="module">The target module.</param>
    /// <param name="weights">The tensors, e.g. from <see cref="WeightFile.Load"/>.</param>
    /// <param name="options">Key matching; <see langword="null"/> for <see cref="WeightLoadOptions.Default"/>.</param>
    /// <exception cref="InvalidWeightsException">Keys are missing or unexpected (strict mode), shapes differ, or a tensor holds NaN or infinity; the message lists them and names the file.</exception>
    public static void Load(nn.Module module, WeightDictionary weights, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(weights);
        LoadCore(module, weights, weights.Source, options);
    }

    internal static void LoadCore(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, string source, WeightLoadOptions? options = null)
    {
        options ??= WeightLoadOptions.Default;
        var mapped = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (fileKey, tensor) in weights)
        {
            string key = options.StripPrefix is { Length: > 0 } prefix && fileKey.StartsWith(prefix, StringComparison.Ordinal) ? fileKey[prefix.Length..] : fileKey;
            string? target = options.KeyMap is null ? key : options.KeyMap(key);
            if (target is not null)
            {
                mapped[target] = tensor;
            }
        }

        var expected = module.state_dict();
        var problems = ShapeProblems(expected, mapped.ToDictionary(kv => kv.Key, kv => kv.Value.shape, StringComparer.Ordinal), options.Strict);
        foreach (var (key, tensor) in expected)
        {
            if (mapped.TryGetValue(key, out Tensor? value) && value.shape.SequenceEqual(tensor.shape) && ValueProblem(key, value) is { } problem)
            {
                problems.Add(problem);
            }
        }

        ThrowIfAny(problems, module, source);
        using var noGrad = torch.no_grad();
        foreach (var (key, tensor) in expected)
        {
            if (mapped.TryGetValue(key, out Tensor? value))
            {
                tensor.copy_(value);
            }
        }
    }

    /// <summary>
    /// Loads a safetensors stream into <paramref name="module"/> strictly, one tensor at a time, so that the
    /// weights are never in memory twice. Keys and shapes are checked from the header before any data is
    /// read; a tensor with NaN or infinity stops the load (the module is then partly loaded, and the
    /// caller discards it).
    /// </summary>
    /// <exception cref="InvalidWeightsException">Keys are missing or unexpected, shapes differ, or a tensor holds NaN or infinity.</exception>
    /// <exception cref="System.IO.InvalidDataException">The stream is not valid safetensors.</exception>
    internal static void LoadStreaming(nn.Module module, System.IO.Stream stream, long? length, string source)
    {
        var expected = module.state_dict();
        SafeTensors.ReadEach(
            stream,
            length,
            header => ThrowIfAny(ShapeProblems(expected, header, strict: true), module, source),
            (key, value) =>
            {
                using (value)
                {
                    if (ValueProblem(key, value) is { } problem)
                    {
                        ThrowIfAny(new List<string> { problem }, module, source);
                    }

                    using var noGrad = torch.no_grad();
                    expected[key].copy_(value);
                }
            });
    }

    private static List<string> ShapeProblems(Dictionary<string, Tensor> expected, IReadOnlyDictionary<string, long[]> given, bool strict)
    {
        var problems = new List<string>();
        foreach (var (key, tensor) in expected)
        {
            if (!given.TryGetValue(key, out long[]? shape))
            {
                if (strict)
                {
                    problems.Add($"missing '{key}'");
                }
            }
            else if (!shape.SequenceEqual(tensor.shape))
            {
                problems.Add($"'{key}' is [{string.Join(", ", shape)}], the module needs [{string.Join(", ", tensor.shape)}]");
            }
        }

        if (strict)
        {
            problems.AddRange(given.Keys.Where(k => !expected.ContainsKey(k)).Select(k => $"unexpected '{k}'"));
        }

        return problems;
    }

    private static void ThrowIfAny(List<string> problems, nn.Module module, string source)
    {
        if (problems.Count > 0)
        {
            string shown = string.Join("; ", problems.Take(10));
            throw new InvalidWeightsException(source, $"the weights do not fit {module.GetName()} ({problems.Count} problems: {shown}{(problems.Count > 10 ? "; ..." : string.Empty)}).");
        }
    }

    private static string? ValueProblem(string key, Tensor value) =>
        value.is_floating_point() && !AllFinite(value) ? $"'{key}' holds NaN or infinite values" : null;

    private static bool AllFinite(Tensor value)
    {
        // The check's masks are as large as the weights themselves: free them now, not at the next GC.
        using var scope = torch.NewDisposeScope();
        return torch.isfinite(value).all().item<bool>();
    }
}
