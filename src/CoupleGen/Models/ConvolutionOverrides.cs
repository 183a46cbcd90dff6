using System;
using System.Runtime.CompilerServices;
using System.Threading;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CoupleGen.Models;

/// <summary>
/// The one seam through which CoupleGen changes how a convolution is computed without changing the module: the
/// trainer's checked kernels (zero-padded channels, bfloat16 autocast, an unfolded matrix product) and
/// generation's prepacked weights set a function per convolution here, and the models run their layers through
/// <see cref="Call"/>. TorchSharp's convolution modules are sealed and it has no autocast or per-op dispatch, so
/// this is where such kernels can plug in; the modules, their weights and their state-dict keys stay as they are.
/// </summary>
internal static class ConvolutionOverrides
{
    private static readonly ConditionalWeakTable<Convolution, Func<Tensor, Tensor>> Kernels = new();
    // How many overrides are set (an override whose convolution was collected without being cleared still counts,
    // which only costs the per-layer lookup): with none, a network runs exactly as its modules.
    private static int count;

    /// <summary>Computes <paramref name="layer"/> on <paramref name="input"/>: by its override when it is a convolution that has one, else by the module.</summary>
    public static Tensor Call(nn.Module<Tensor, Tensor> layer, Tensor input) =>
        Volatile.Read(ref count) > 0 && layer is Convolution convolution && Kernels.TryGetValue(convolution, out var kernel) ? kernel(input) : layer.call(input);

    /// <summary>Runs <paramref name="layers"/> in order through <see cref="Call"/>.</summary>
    public static Tensor Run(Sequential layers, Tensor input)
    {
        if (Volatile.Read(ref count) == 0)
        {
            return layers.call(input);
        }

        Tensor x = input;
        foreach (var layer in layers.children())
        {
            x = Call((nn.Module<Tensor, Tensor>)layer, x);
        }

        return x;
    }

    /// <summary>Makes <paramref name="kernel"/> compute <paramref name="convolution"/>; <see langword="null"/> returns it to its module.</summary>
    public static void Set(Convolution convolution, Func<Tensor, Tensor>? kernel)
    {
        ArgumentNullException.ThrowIfNull(convolution);
        lock (Kernels)
        {
            bool had = Kernels.TryGetValue(convolution, out _);
            if (kernel is null)
            {
                if (had)
                {
                    Kernels.Remove(convolution);
                    Interlocked.Decrement(ref count);
                }

                return;
            }

            Kernels.AddOrUpdate(convolution, kernel);
            if (!had)
            {
                Interlocked.Increment(ref count);
            }
        }
    }

    /// <summary>Returns every convolution of <paramref name="network"/> to its module.</summary>
    public static void Clear(nn.Module network)
    {
        foreach (var module in network.modules())
        {
            if (module is Convolution convolution)
            {
                Set(convolution, null);
            }
        }
    }
}
