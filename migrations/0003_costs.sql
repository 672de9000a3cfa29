-- Licence and maintenance costs per tool and fiscal year, for the cost-effectiveness report. Yen as exact text.

CREATE TABLE costs (
    id              INTEGER PRIMARY KEY,
    tool            TEXT NOT NULL CHECK (length(trim(tool)) > 0),
    tool_key        TEXT NOT NULL CHECK (length(tool_key) > 0),
    fiscal_year     INTEGER NOT NULL CHECK (fiscal_year BETWEEN 1900 AND 2200),
    licence_yen     TEXT NOT NULL DEFAULT '0' CHECK (licence_yen GLOB '[0-9]*' AND licence_yen NOT GLOB '*[^0-9.]*'),
    maintenance_yen TEXT NOT NULL DEFAULT '0' CHECK (maintenance_yen GLOB '[0-9]*' AND maintenance_yen NOT GLOB '*[^0-9.]*'),
    note            TEXT,
    UNIQUE (tool_key, fiscal_year)
);
