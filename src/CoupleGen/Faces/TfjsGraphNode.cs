using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using CoupleGen.Errors;

namespace CoupleGen.Faces;

/// <summary>
/// One node of a TF.js graph model's <c>modelTopology.node</c>: its op, the names of the nodes it reads
/// and the attributes the runner understands. TensorFlow's JSON encodes strings as base64 and integers as
/// decimal strings; both are decoded here, once, so evaluation never touches JSON.
/// </summary>
internal sealed class TfjsGraphNode
{
    private readonly JsonElement attributes;
    private readonly string source;

    private TfjsGraphNode(string name, string op, IReadOnlyList<string> inputs, JsonElement attributes, string source)
    {
        Name = name;
        Op = op;
        Inputs = inputs;
        this.attributes = attributes;
        this.source = source;
    }

    public string Name { get; }

    public string Op { get; }

    /// <summary>Gets the data inputs (control dependencies, '^name', are dropped: evaluation order already honours them).</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Reads a node; its attributes element is cloned so the JSON document can be disposed.</summary>
    public static TfjsGraphNode Parse(JsonElement node, string source)
    {
        string name = node.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : throw new InvalidWeightsException(source, "a graph node has no name.");
        string op = node.TryGetProperty("op", out JsonElement o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : throw new InvalidWeightsException(source, $"node '{name}' has no op.");
        var inputs = new List<string>();
        if (node.TryGetProperty("input", out JsonElement list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement input in list.EnumerateArray())
            {
                string text = input.GetString() ?? string.Empty;
                if (text.StartsWith('^'))
                {
                    continue;
                }

                // "name:0" is the first output of 'name'; every supported op has exactly one output.
                int colon = text.LastIndexOf(':');
                if (colon > 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
                {
                    if (index != 0)
                    {
                        throw new InvalidWeightsException(source, $"node '{name}' reads output {index} of '{text[..colon]}'; only single-output ops are supported.");
                    }

                    text = text[..colon];
                }

                inputs.Add(text);
            }
        }

        JsonElement attr = node.TryGetProperty("attr", out JsonElement a) && a.ValueKind == JsonValueKind.Object ? a.Clone() : default;
        return new TfjsGraphNode(name, op, inputs, attr, source);
    }

    /// <summary>Returns a string attribute (base64 in the JSON), or <paramref name="fallback"/> when absent.</summary>
    public string String(string key, string fallback)
    {
        if (!TryGet(key, out JsonElement value) || !value.TryGetProperty("s", out JsonElement s))
        {
            return fallback;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(s.GetString() ?? string.Empty));
        }
        catch (FormatException ex)
        {
            throw new InvalidWeightsException(source, $"node '{Name}' has an undecodable '{key}' attribute.", ex);
        }
    }

    /// <summary>Returns a boolean attribute, or <paramref name="fallback"/> when absent.</summary>
    public bool Bool(string key, bool fallback) =>
        TryGet(key, out JsonElement value) && value.TryGetProperty("b", out JsonElement b) ? b.ValueKind == JsonValueKind.True : fallback;

    /// <summary>Returns an integer list attribute (strides, ksize, dilations, explicit_paddings), or <paramref name="fallback"/> when absent.</summary>
    public long[] Ints(string key, long[] fallback)
    {
        if (!TryGet(key, out JsonElement value) || !value.TryGetProperty("list", out JsonElement list))
        {
            return fallback;
        }

        if (!list.TryGetProperty("i", out JsonElement items) || items.ValueKind != JsonValueKind.Array)
        {
            return Array.Empty<long>();
        }

        return items.EnumerateArray().Select(item => long.TryParse(item.ValueKind == JsonValueKind.String ? item.GetString() : item.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new InvalidWeightsException(source, $"node '{Name}' has a non-integer '{key}' entry.")).ToArray();
    }

    /// <summary>Returns a shape attribute's sizes (a Placeholder's 'shape'); -1 for an open size.</summary>
    public long[] Dims(string key)
    {
        if (!TryGet(key, out JsonElement value) || !value.TryGetProperty("shape", out JsonElement shape)
            || !shape.TryGetProperty("dim", out JsonElement dims) || dims.ValueKind != JsonValueKind.Array)
        {
            return Array.Empty<long>();
        }

        return dims.EnumerateArray().Select(dim => dim.TryGetProperty("size", out JsonElement size)
            && long.TryParse(size.ValueKind == JsonValueKind.String ? size.GetString() : size.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v : -1).ToArray();
    }

    /// <summary>Returns a 4-entry NHWC list attribute's two spatial entries (height, width), checking batch and channel entries are 1.</summary>
    public (long Height, long Width) Spatial(string key)
    {
        long[] values = Ints(key, new long[] { 1, 1, 1, 1 });
        if (values.Length != 4 || values[0] != 1 || values[3] != 1 || values[1] < 1 || values[2] < 1)
        {
            throw Unsupported($"'{key}' = [{string.Join(", ", values)}] (need [1, h, w, 1])");
        }

        return (values[1], values[2]);
    }

    /// <summary>An error naming this node and its op.</summary>
    public InvalidWeightsException Unsupported(string what) => new(source, $"node '{Name}' ({Op}) has unsupported {what}.");

    private bool TryGet(string key, out JsonElement value)
    {
        value = default;
        return attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty(key, out value);
    }
}
