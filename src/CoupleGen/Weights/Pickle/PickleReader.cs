using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Numerics;
using System.Text;

namespace CoupleGen.Weights.Pickle;

/// <summary>
/// A Python pickle reader that never runs code: it interprets the opcodes of protocols 0-5 into
/// plain objects and resolves GLOBAL references only against a fixed allow-list of the classes and
/// functions that PyTorch state dicts and numpy arrays use (OrderedDict, torch._utils rebuild
/// functions, torch storage types, numpy's reconstruct/ndarray/dtype, codecs.encode for latin1).
/// Anything else (os.system, builtins.eval, ...) raises <see cref="InvalidDataException"/> before it
/// could be called.
/// </summary>
internal sealed partial class PickleReader
{
    private const int MaxLength = int.MaxValue - 64;
    private const int MaxStack = 1_000_000;
    private static readonly Encoding Latin1 = Encoding.Latin1;
    private static readonly object Mark = new();

    private static readonly Dictionary<string, PickleDType> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = PickleDType.Float32,
        ["DoubleStorage"] = PickleDType.Float64,
        ["HalfStorage"] = PickleDType.Float16,
        ["BFloat16Storage"] = PickleDType.BFloat16,
        ["LongStorage"] = PickleDType.Int64,
        ["IntStorage"] = PickleDType.Int32,
        ["ShortStorage"] = PickleDType.Int16,
        ["CharStorage"] = PickleDType.Int8,
        ["ByteStorage"] = PickleDType.UInt8,
        ["BoolStorage"] = PickleDType.Bool,
    };

    private readonly Stream stream;
    private readonly Func<PyTuple, object?>? persistentLoad;
    private readonly List<object?> stack = new();
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = new();

    public PickleReader(Stream stream, Func<PyTuple, object?>? persistentLoad = null)
    {
        this.stream = stream;
        this.persistentLoad = persistentLoad;
    }

    /// <summary>Gets the storage element type a torch storage class stands for, if it is one.</summary>
    public static bool TryGetStorageType(object? value, out PickleDType dtype)
    {
        dtype = default;
        return value is PyGlobal { Module: "torch" } g && StorageTypes.TryGetValue(g.Name, out dtype);
    }

    /// <summary>Reads one pickle (up to STOP) and returns its value.</summary>
    public object? Load()
    {
        stack.Clear();
        marks.Clear();
        memo.Clear();
        while (true)
        {
            int opcode = stream.ReadByte();
            switch (opcode)
            {
                case -1: throw new InvalidDataException("the pickle ends before its STOP opcode (truncated).");
                case 0x80: ReadByte(); break; // PROTO
                case 0x95: ReadBytes(8); break; // FRAME: framing is only a read-ahead hint
                case 0x2e: return Pop(); // STOP
                case 0x28: marks.Push(stack.Count); break; // MARK
                case 0x30: Pop(); break; // POP
                case 0x31: PopMark(); break; // POP_MARK
                case 0x32: Push(Peek()); break; // DUP
                case 0x4e: Push(null); break; // NONE
                case 0x88: Push(true); break; // NEWTRUE
                case 0x89: Push(false); break; // NEWFALSE
                case 0x4a: Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break; // BININT
                case 0x4b: Push((long)ReadByte()); break; // BININT1
                case 0x4d: Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
                case 0x8a: Push(ReadLong(ReadByte())); break; // LONG1
                case 0x8b: Push(ReadLong(ReadLength(4))); break; // LONG4
                case 0x49: Push(ParseIntLine(ReadLine())); break; // INT
                case 0x4c: Push(Narrow(ParseLongLine(ReadLine()))); break; // LONG
                case 0x47: Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT
                case 0x46: Push(double.Parse(ReadLine(), CultureInfo.InvariantCulture)); break; // FLOAT
                case 0x58: Push(Encoding.UTF8.GetString(ReadBytes(ReadLength(4)))); break; // BINUNICODE
                case 0x8c: Push(Encoding.UTF8.GetString(ReadBytes(ReadByte()))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Encoding.UTF8.GetString(ReadBytes(ReadLength(8)))); break; // BINUNICODE8
                case 0x56: Push(ReadLine()); break; // UNICODE (raw-unicode-escape; ASCII names in practice)
                case 0x54: Push(Latin1.GetString(ReadBytes(ReadLength(4)))); break; // BINSTRING (Python 2 str, read as latin1)
                case 0x55: Push(Latin1.GetString(ReadBytes(ReadByte()))); break; // SHORT_BINSTRING
                case 0x53: Push(ParseQuoted(ReadLine())); break; // STRING
                case 0x42: Push(ReadBytes(ReadLength(4))); break; // BINBYTES
                case 0x43: Push(ReadBytes(ReadByte())); break; // SHORT_BINBYTES
                case 0x8e: Push(ReadBytes(ReadLength(8))); break; // BINBYTES8
                case 0x96: Push(ReadBytes(ReadLength(8))); break; // BYTEARRAY8
                case 0x29: Push(new PyTuple(Array.Empty<object?>())); break; // EMPTY_TUPLE
                case 0x85: Push(new PyTuple(new[] { Pop() })); break; // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new PyTuple(new[] { a, b })); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new PyTuple(new[] { a, b, c })); break; } // TUPLE3
                case 0x74: Push(new PyTuple(PopMark().ToArray())); break; // TUPLE
                case 0x5d: Push(new List<object?>()); break; // EMPTY_LIST
                case 0x6c: Push(PopMark()); break; // LIST
                case 0x61: { var item = Pop(); AsList(Peek()).Add(item); break; } // APPEND
                case 0x65: { var items = PopMark(); AsList(Peek()).AddRange(items); break; } // APPENDS
                case 0x7d: Push(new PyDict()); break; // EMPTY_DICT
                case 0x64: Push(ToDict(PopMark())); break; // DICT
                case 0x73: { var value = Pop(); var key = Pop(); AsDict(Peek()).Set(Key(key), value); break; } // SETITEM
                case 0x75: SetItems(PopMark()); break; // SETITEMS
                case 0x8f: Push(new List<object?>()); break; // EMPTY_SET (kept as a list)
                case 0x90: { var items = PopMark(); AsList(Peek()).AddRange(items); break; } // ADDITEMS
                case 0x91: Push(PopMark()); break; // FROZENSET
                case 0x70: memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)] = Peek(); break; // PUT
                case 0x71: memo[ReadByte()] = Peek(); break; // BINPUT
                case 0x72: memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: memo[memo.Count] = Peek(); break; // MEMOIZE
                case 0x67: Push(Memo(long.Parse(ReadLine(), CultureInfo.InvariantCulture))); break; // GET
                case 0x68: Push(Memo(ReadByte())); break; // BINGET
                case 0x6a: Push(Memo(BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4)))); break; // LONG_BINGET
                case 0x63: Push(Global(ReadLine(), ReadLine())); break; // GLOBAL
                case 0x93: { var name = Pop() as string; var module = Pop() as string; Push(Global(module ?? "?", name ?? "?")); break; } // STACK_GLOBAL
                case 0x52: { var args = Pop(); var callable = Pop(); Push(Call(callable, AsTuple(args))); break; } // REDUCE
                case 0x81: { var args = Pop(); var cls = Pop(); Push(Call(cls, AsTuple(args))); break; } // NEWOBJ
                case 0x92: { Pop(); var args = Pop(); var cls = Pop(); Push(Call(cls, AsTuple(args))); break; } // NEWOBJ_EX
                case 0x62: { var state = Pop(); Build(Peek(), state); break; } // BUILD
                case 0x51: Push(PersistentLoad(Pop())); break; // BINPERSID
                case 0x50: Push(PersistentLoad(ReadLine())); break; // PERSID
                case 0x97 or 0x98: throw new InvalidDataException("the pickle uses out-of-band buffers, which weight files never need.");
                case 0x69 or 0x6f: throw new InvalidDataException("the pickle instantiates arbitrary classes (INST/OBJ opcode); refused.");
                case 0x82 or 0x83 or 0x84: throw new InvalidDataException("the pickle uses the extension registry (EXT opcodes); refused.");
                default: throw new InvalidDataException($"the pickle holds an unknown opcode 0x{opcode:x2} at byte {Position() - 1}.");
            }

            if (stack.Count > MaxStack)
            {
                throw new InvalidDataException("the pickle's stack grows beyond any plausible weight file.");
            }
        }
    }

    private static PyGlobal Global(string module, string name)
    {
        var global = new PyGlobal(module, name);
        bool allowed = (module, name) switch
        {
            ("collections", "OrderedDict") => true,
            ("builtins" or "__builtin__", "set" or "frozenset" or "list" or "dict" or "tuple") => true,
            ("torch._utils", "_rebuild_tensor" or "_rebuild_tensor_v2" or "_rebuild_parameter") => true,
            ("torch", _) when StorageTypes.ContainsKey(name) => true,
            ("torch", "Size") => true,
            ("numpy.core.multiarray" or "numpy._core.multiarray", "_reconstruct") => true,
            ("numpy", "ndarray" or "dtype") => true,
            ("_codecs", "encode") => true,
            _ => false,
        };
        if (!allowed)
        {
            throw new InvalidDataException($"the pickle references '{module}.{name}', which is not on CoupleGen's allow-list of state-dict types; refused without running it.");
        }

        return global;
    }

    private static object? Call(object? callable, PyTuple args)
    {
        if (callable is not PyGlobal g)
        {
            throw new InvalidDataException("the pickle calls something that is not an allow-listed global.");
        }

        object?[] a = args.Items;
        switch (g.Module, g.Name)
        {
            case ("collections", "OrderedDict") or ("builtins" or "__builtin__", "dict"):
                var dict = new PyDict();
                if (a.Length > 0 && a[0] is List<object?> pairs)
                {
                    foreach (var pair in pairs)
                    {
                        var items = AsTuple(pair).Items;
                        dict.Set(Key(items[0]), items.Length > 1 ? items[1] : null);
                    }
                }

                return dict;
            case ("builtins" or "__builtin__", "set" or "frozenset" or "list"):
                return a.Length > 0 && a[0] is List<object?> list ? list : new List<object?>();
            case ("builtins" or "__builtin__", "tuple") or ("torch", "Size"):
                return a.Length > 0 && a[0] is List<object?> tupleItems ? new PyTuple(tupleItems.ToArray()) : a.Length > 0 && a[0] is PyTuple t ? t : new PyTuple(Array.Empty<object?>());
            case ("torch._utils", "_rebuild_tensor" or "_rebuild_tensor_v2"):
                if (a.Length < 4 || a[0] is not StorageRef storage)
                {
                    throw new InvalidDataException($"{g} is called with unexpected arguments.");
                }

                return new TensorRef(storage, AsLong(a[1]), AsLongs(a[2]), AsLongs(a[3]));
            case ("torch._utils", "_rebuild_parameter"):
                return a.Length > 0 ? a[0] : throw new InvalidDataException($"{g} is called without a tensor.");
            case ("numpy.core.multiarray" or "numpy._core.multiarray", "_reconstruct"):
                return new NumpyArray();
            case ("numpy", "dtype"):
                return new NumpyDType(a.Length > 0 && a[0] is string code ? code : throw new InvalidDataException("numpy.dtype is called without a type code."));
            case ("_codecs", "encode"):
                if (a.Length > 0 && a[0] is string text && (a.Length < 2 || a[1] is "latin1" or "latin-1"))
                {
                    return Latin1.GetBytes(text);
                }

                throw new InvalidDataException("_codecs.encode is only allowed for latin1 byte strings.");
            default:
                throw new InvalidDataException($"the pickle calls '{g}', which cannot be called here.");
        }
    }

    private static void Build(object? target, object? state)
    {
        switch (target)
        {
            case PyDict dict when state is PyDict attributes:
                dict.Attributes ??= new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, value) in attributes.Items)
                {
                    dict.Attributes[key.ToString() ?? string.Empty] = value;
                }

                break;
            case NumpyDType dtype when state is PyTuple t && t.Items.Length > 1:
                dtype.BigEndian = t.Items[1] as string == ">";
                break;
            case NumpyArray array when state is PyTuple t && t.Items.Length >= 5:
                array.Shape = AsLongs(t.Items[1]);
                array.DType = t.Items[2] as NumpyDType ?? throw new InvalidDataException("a numpy array has no dtype.");
                array.FortranOrder = t.Items[3] is true;
                switch (t.Items[4])
                {
                    case byte[] bytes: array.Data = bytes; break;
                    case string latin1: array.Data = Latin1.GetBytes(latin1); break;
                    case List<object?> objects: array.Objects = objects; break;
                    default: throw new InvalidDataException("a numpy array has data of an unexpected kind.");
                }

                break;
            case TensorRef:
                break; // _rebuild_tensor_v2 carries no state worth keeping (backward hooks).
            default:
                throw new InvalidDataException($"the pickle sets state on a {target?.GetType().Name ?? "None"}, which weight files never do.");
        }
    }

    private object? PersistentLoad(object? id)
    {
        if (persistentLoad is null)
        {
            throw new InvalidDataException("the pickle refers to external storage, but this file format has none.");
        }

        return persistentLoad(id as PyTuple ?? new PyTuple(new[] { id }));
    }

    private void SetItems(List<object?> items)
    {
        if (items.Count % 2 != 0)
        {
            throw new InvalidDataException("SETITEMS has an odd number of items.");
        }

        PyDict dict = AsDict(Peek());
        for (int i = 0; i < items.Count; i += 2)
        {
            dict.Set(Key(items[i]), items[i + 1]);
        }
    }

    private static PyDict ToDict(List<object?> items)
    {
        var dict = new PyDict();
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            dict.Set(Key(items[i]), items[i + 1]);
        }

        return dict;
    }

    private static object Key(object? key) => key switch
    {
        null => "None",
        PyTuple t => string.Join(",", t.Items),
        _ => key,
    };

    private static List<object?> AsList(object? value) => value as List<object?> ?? throw new InvalidDataException("APPEND on something that is not a list.");

    private static PyDict AsDict(object? value) => value as PyDict ?? throw new InvalidDataException("SETITEM on something that is not a dict.");

    private static PyTuple AsTuple(object? value) => value switch
    {
        PyTuple t => t,
        List<object?> l => new PyTuple(l.ToArray()),
        _ => throw new InvalidDataException("expected a tuple of arguments."),
    };

    internal static long AsLong(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        BigInteger big when big >= long.MinValue && big <= long.MaxValue => (long)big,
        _ => throw new InvalidDataException($"expected an integer, found {value?.GetType().Name ?? "None"}."),
    };

    internal static long[] AsLongs(object? value) => value switch
    {
        PyTuple t => Array.ConvertAll(t.Items, AsLong),
        List<object?> l => l.ConvertAll(AsLong).ToArray(),
        _ => throw new InvalidDataException("expected a tuple of integers."),
    };
}
