using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using CoupleGen.Errors;
using static TorchSharp.torch;

namespace CoupleGen.Faces;

/// <summary>
/// A small runner for TF.js graph models (<c>model.json</c> with <c>format: graph-model</c>): the graph's
/// nodes are compiled once by <see cref="TfjsGraphOps"/> into TorchSharp functions over NCHW tensors and
/// evaluated in dependency order from the single input to the single output. Weights come from the json's
/// <c>weightsManifest</c> through <see cref="TfjsWeightReader"/> (so float16 and uint8/uint16 quantized
/// shards work). Only the nodes the output needs are kept; values are disposed after their last reader.
/// Evaluation shares only read-only constants, so several threads may run one model at once.
/// </summary>
internal sealed class TfjsGraphModel : IDisposable
{
    private readonly Step[] steps;
    private readonly int inputStep;
    private readonly List<Tensor> constants;
    private bool disposed;

    private TfjsGraphModel(Step[] steps, int inputStep, long[] inputShape, List<Tensor> constants)
    {
        this.steps = steps;
        this.inputStep = inputStep;
        InputShape = inputShape;
        this.constants = constants;
    }

    /// <summary>Gets the placeholder's NHWC shape; -1 where the graph leaves a size open.</summary>
    public IReadOnlyList<long> InputShape { get; }

    /// <summary>Parses and compiles a graph model; every problem is an <see cref="InvalidWeightsException"/> naming <paramref name="source"/>.</summary>
    /// <param name="modelJson">The model.json bytes.</param>
    /// <param name="source">The model's name in error messages.</param>
    /// <param name="openShard">Returns a weight shard's bytes and name for errors.</param>
    public static TfjsGraphModel Load(byte[] modelJson, string source, Func<string, (byte[] Bytes, string Name)> openShard)
    {
        ArgumentNullException.ThrowIfNull(modelJson);
        ArgumentNullException.ThrowIfNull(openShard);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(modelJson);
        }
        catch (JsonException ex)
        {
            throw new InvalidWeightsException(source, $"the model is not valid JSON ({ex.Message}).", ex);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || (root.TryGetProperty("format", out JsonElement format) && format.GetString() != "graph-model")
                || !root.TryGetProperty("modelTopology", out JsonElement topology) || !topology.TryGetProperty("node", out JsonElement nodeList) || nodeList.ValueKind != JsonValueKind.Array
                || !root.TryGetProperty("weightsManifest", out JsonElement manifest))
            {
                throw new InvalidWeightsException(source, "not a TF.js graph model (need format 'graph-model', modelTopology.node and weightsManifest).");
            }

            Dictionary<string, TfjsTensor> weights = TfjsWeightReader.Read(Encoding.UTF8.GetBytes(manifest.GetRawText()), source, openShard);
            var nodes = nodeList.EnumerateArray().Select(n => TfjsGraphNode.Parse(n, source)).ToList();
            return Compile(nodes, OutputName(root, nodes, source), weights, source);
        }
    }

    /// <summary>Runs the graph on an NCHW batch matching <see cref="InputShape"/>; the result (NCHW) belongs to the caller's dispose scope.</summary>
    /// <exception cref="ArgumentException">The input's shape does not fit the graph.</exception>
    public Tensor Run(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (input.dim() != 4 || Enumerable.Range(1, 3).Any(i => InputShape[i] >= 0 && InputShape[i] != input.shape[i == 3 ? 1 : i + 1]))
        {
            throw new ArgumentException($"The graph takes NCHW input for NHWC [{string.Join(", ", InputShape)}]; got [{string.Join(", ", input.shape)}].", nameof(input));
        }

        using var scope = NewDisposeScope();
        var values = new Tensor?[steps.Length];
        values[inputStep] = input;
        for (int i = 0; i < steps.Length; i++)
        {
            Step step = steps[i];
            if (i == inputStep)
            {
                continue;
            }

            var arguments = new Tensor[step.Sources.Length];
            for (int k = 0; k < arguments.Length; k++)
            {
                // A constant the op consumed while compiling (a resize's size) stays null: the function does not read it.
                arguments[k] = step.Sources[k] < 0 ? step.Fixed[k]! : values[step.Sources[k]] ?? throw new InvalidOperationException($"'{step.Name}' reads a value already released.");
            }

            values[i] = step.Apply(arguments);

            // Release what no later step reads; the caller's input is never disposed here.
            foreach (int source in step.Sources.Where(s => s >= 0).Distinct())
            {
                if (steps[source].LastReader == i && source != inputStep)
                {
                    values[source]!.Dispose();
                    values[source] = null;
                }
            }
        }

        return values[^1]!.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        constants.ForEach(c => c.Dispose());
    }

    private static string OutputName(JsonElement root, List<TfjsGraphNode> nodes, string source)
    {
        if (root.TryGetProperty("signature", out JsonElement signature) && signature.TryGetProperty("outputs", out JsonElement outputs) && outputs.ValueKind == JsonValueKind.Object)
        {
            var names = outputs.EnumerateObject().Select(o => o.Value.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? o.Name : o.Name).ToList();
            return names.Count == 1 ? names[0].Split(':')[0] : throw new InvalidWeightsException(source, $"the graph has {names.Count} outputs; the runner needs exactly one.");
        }

        // Without a signature, the output is the one node nothing reads.
        var read = nodes.SelectMany(n => n.Inputs).ToHashSet(StringComparer.Ordinal);
        var sinks = nodes.Where(n => n.Op != "Const" && !read.Contains(n.Name)).ToList();
        return sinks.Count == 1 ? sinks[0].Name : throw new InvalidWeightsException(source, $"the graph has {sinks.Count} unread nodes and no signature; the runner needs exactly one output.");
    }

    private static TfjsGraphModel Compile(List<TfjsGraphNode> nodes, string output, Dictionary<string, TfjsTensor> weights, string source)
    {
        var byName = new Dictionary<string, TfjsGraphNode>(StringComparer.Ordinal);
        foreach (TfjsGraphNode node in nodes)
        {
            if (!byName.TryAdd(node.Name, node))
            {
                throw new InvalidWeightsException(source, $"the graph has two nodes named '{node.Name}'.");
            }
        }

        // Every op is checked, not only those on the output's path, so an unsupported op is reported whatever the signature says.
        foreach (TfjsGraphNode node in nodes.Where(n => n.Op is not ("Const" or "Placeholder") && !TfjsGraphOps.Supported.Contains(n.Op)))
        {
            throw node.Unsupported($"op '{node.Op}' (the TorchSharp graph runner supports Const, Placeholder, {string.Join(", ", TfjsGraphOps.Supported.Order(StringComparer.Ordinal))})");
        }

        List<TfjsGraphNode> order = TopologicalOrder(byName, output, source);
        var placeholders = order.Where(n => n.Op == "Placeholder").ToList();
        if (placeholders.Count != 1)
        {
            throw new InvalidWeightsException(source, $"the output depends on {placeholders.Count} placeholders; the runner needs exactly one input.");
        }

        var constants = new List<Tensor>();
        try
        {
            // Constants become fixed arguments of the steps that read them, so only computed values get steps.
            var computed = order.Where(n => n.Op != "Const").ToList();
            var index = computed.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
            var steps = new Step[computed.Count];
            for (int i = 0; i < computed.Count; i++)
            {
                TfjsGraphNode node = computed[i];
                var fixedInputs = node.Inputs.Select(name => byName[name].Op == "Const" ? ConstantTensor(name, weights, source, constants) : null).ToArray();
                Func<Tensor[], Tensor> apply = node.Op == "Placeholder" ? _ => throw new InvalidOperationException("The input is not computed.") : TfjsGraphOps.Compile(node, fixedInputs);
                foreach (Tensor? prepared in fixedInputs.Where(t => t is not null && !constants.Any(c => ReferenceEquals(c, t))))
                {
                    constants.Add(prepared!.DetachFromDisposeScope());
                }

                int[] sources = node.Inputs.Select(name => byName[name].Op == "Const" ? -1 : index[name]).ToArray();
                steps[i] = new Step(node.Name, sources, fixedInputs, apply);
                foreach (int s in sources.Where(s => s >= 0))
                {
                    steps[s].LastReader = i;
                }
            }

            TfjsGraphNode input = placeholders[0];
            return new TfjsGraphModel(steps, index[input.Name], PlaceholderShape(input, source), constants);
        }
        catch
        {
            constants.ForEach(c => c.Dispose());
            throw;
        }
    }

    private static Tensor ConstantTensor(string name, Dictionary<string, TfjsTensor> weights, string source, List<Tensor> constants)
    {
        if (!weights.TryGetValue(name, out TfjsTensor? weight))
        {
            throw new InvalidWeightsException(source, $"constant '{name}' has no entry in the weights manifest (inline constants are not supported).");
        }

        Tensor value = tensor(weight.Values, weight.Shape.ToArray()).DetachFromDisposeScope();
        constants.Add(value);
        return value;
    }

    private static List<TfjsGraphNode> TopologicalOrder(Dictionary<string, TfjsGraphNode> byName, string output, string source)
    {
        if (!byName.TryGetValue(output, out TfjsGraphNode? last))
        {
            throw new InvalidWeightsException(source, $"the output node '{output}' is not in the graph.");
        }

        // Iterative depth-first search: the graphs are a few hundred nodes deep, too deep for recursion to be comfortable.
        var order = new List<TfjsGraphNode>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the stack, true: done
        var stack = new Stack<(TfjsGraphNode Node, int Next)>();
        stack.Push((last, 0));
        state[output] = false;
        while (stack.Count > 0)
        {
            (TfjsGraphNode node, int next) = stack.Pop();
            if (next < node.Inputs.Count)
            {
                stack.Push((node, next + 1));
                string name = node.Inputs[next];
                if (!byName.TryGetValue(name, out TfjsGraphNode? input))
                {
                    throw new InvalidWeightsException(source, $"node '{node.Name}' reads '{name}', which is not in the graph.");
                }

                if (!state.TryGetValue(name, out bool done))
                {
                    state[name] = false;
                    stack.Push((input, 0));
                }
                else if (!done)
                {
                    throw new InvalidWeightsException(source, $"the graph has a cycle through '{name}'.");
                }

                continue;
            }

            state[node.Name] = true;
            order.Add(node);
        }

        return order;
    }

    private static long[] PlaceholderShape(TfjsGraphNode input, string source)
    {
        long[] shape = input.Dims("shape");
        return shape.Length == 4 ? shape : throw new InvalidWeightsException(source, $"the input '{input.Name}' has shape [{string.Join(", ", shape)}]; the runner needs NHWC images.");
    }

    /// <summary>One computed node: where its inputs come from (a step index, or a fixed constant) and its function.</summary>
    private sealed class Step(string name, int[] sources, Tensor?[] fixedInputs, Func<Tensor[], Tensor> apply)
    {
        public string Name { get; } = name;

        public int[] Sources { get; } = sources;

        public Tensor?[] Fixed { get; } = fixedInputs;

        public Func<Tensor[], Tensor> Apply { get; } = apply;

        /// <summary>Gets or sets the last step that reads this one's value; -1 if none (the output).</summary>
        public int LastReader { get; set; } = -1;
    }
}
