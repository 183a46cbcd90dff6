using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using static TorchSharp.torch;

namespace CoupleGen.Weights;

/// <summary>Named CPU tensors read from a weight file; disposing it disposes every tensor.</summary>
public sealed class WeightDictionary : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly Dictionary<string, Tensor> tensors;
    private readonly List<string> order;

    internal WeightDictionary(IEnumerable<KeyValuePair<string, Tensor>> tensors, string source, WeightFormat format, string? producer = null)
    {
        this.tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        order = new List<string>();
        foreach (var (key, tensor) in tensors)
        {
            if (this.tensors.TryAdd(key, tensor))
            {
                order.Add(key);
            }
        }

        Source = source;
        Format = format;
        Producer = producer;
    }

    /// <summary>Gets the file the tensors came from.</summary>
    public string Source { get; }

    /// <summary>Gets the format the file was read as.</summary>
    public WeightFormat Format { get; }

    /// <summary>Gets the program that wrote the file when the format records it (ONNX's producer_name, e.g. <c>pytorch</c> or <c>CNTK</c>), otherwise <see langword="null"/>.</summary>
    public string? Producer { get; }

    /// <summary>Gets the names in file order (the order ONNX and shape-order mapping rely on).</summary>
    public IReadOnlyList<string> Order => order;

    /// <inheritdoc/>
    public int Count => tensors.Count;

    /// <inheritdoc/>
    public IEnumerable<string> Keys => order;

    /// <inheritdoc/>
    public IEnumerable<Tensor> Values
    {
        get
        {
            foreach (string key in order)
            {
                yield return tensors[key];
            }
        }
    }

    /// <inheritdoc/>
    public Tensor this[string key] => tensors[key];

    /// <inheritdoc/>
    public bool ContainsKey(string key) => tensors.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => tensors.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
    {
        foreach (string key in order)
        {
            yield return new KeyValuePair<string, Tensor>(key, tensors[key]);
        }
    }

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var tensor in tensors.Values)
        {
            tensor.Dispose();
        }

        tensors.Clear();
        order.Clear();
    }
}
