package main

import (
	"context"
	"net/url"

	"smspark/sessions"
)

func (c *adminClient) GrantReduced(ctx context.Context, g sessions.Grant) (sessions.Grant, error) {
	var out sessions.Grant
	err := c.do(ctx, "POST", "/admin/reduced-tariffs", g, &out)
	return out, err
}

func (c *adminClient) RevokeGrant(ctx context.Context, id string) (sessions.Grant, error) {
	var out sessions.Grant
	err := c.do(ctx, "POST", "/admin/reduced-tariffs/"+pathEscape(id)+"/revoke", nil, &out)
	return out, err
}

func (c *adminClient) Grants(ctx context.Context, city string) ([]sessions.Grant, error) {
	var out struct {
		Grants []sessions.Grant `json:"grants"`
	}
	err := c.do(ctx, "GET", "/admin/reduced-tariffs?"+url.Values{"city": {city}}.Encode(), nil, &out)
	return out.Grants, err
}
