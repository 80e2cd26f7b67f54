using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace SqliteAdmin;

/// <summary>-Parameter's hashtable as Core takes it: keys as text, values unwrapped from PSObject.</summary>
internal static class QueryParameterTable
{
    public static IReadOnlyDictionary<string, object?>? ToDictionary(Hashtable? table)
    {
        if (table == null)
        {
            return null;
        }
        var values = new Dictionary<string, object?>();
        foreach (DictionaryEntry entry in table)
        {
            values[LanguagePrimitives.ConvertTo<string>(entry.Key)] = entry.Value is PSObject wrapped ? wrapped.BaseObject : entry.Value;
        }
        return values;
    }
}
