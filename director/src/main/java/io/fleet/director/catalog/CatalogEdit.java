package io.fleet.director.catalog;

/** One field of the catalog to set ({@code value} non-null) or remove ({@code value} null). */
public record CatalogEdit(String key, String field, byte[] value)
{
    public boolean removal()
    {
        return value == null;
    }

    @Override
    public String toString()
    {
        return (value == null ? "remove " : "put ") + key + " " + field;
    }
}
