// Pure math: customer-base models, association rules, experiment statistics. No I/O here.
export {};
