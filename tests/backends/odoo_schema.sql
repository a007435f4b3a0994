-- A small Odoo 17-style CRM database: the tables and columns the odoo mapping reads, with Odoo's
-- types (translatable names are jsonb), and a handful of records with known outcomes.
CREATE TABLE res_partner (id serial PRIMARY KEY, name varchar NOT NULL, industry_id integer,
                          active boolean DEFAULT true);
CREATE TABLE res_users (id serial PRIMARY KEY, login varchar NOT NULL, partner_id integer NOT NULL
                        REFERENCES res_partner, share boolean DEFAULT false, active boolean DEFAULT true);
CREATE TABLE crm_team (id serial PRIMARY KEY, name jsonb NOT NULL, user_id integer REFERENCES res_users);
CREATE TABLE crm_team_member (id serial PRIMARY KEY, crm_team_id integer NOT NULL REFERENCES crm_team,
                              user_id integer NOT NULL REFERENCES res_users, active boolean DEFAULT true);
CREATE TABLE crm_stage (id serial PRIMARY KEY, name jsonb NOT NULL, sequence integer,
                        is_won boolean DEFAULT false);
CREATE TABLE utm_medium (id serial PRIMARY KEY, name varchar NOT NULL, active boolean DEFAULT true);
CREATE TABLE utm_source (id serial PRIMARY KEY, name varchar NOT NULL);
CREATE TABLE utm_campaign (id serial PRIMARY KEY, name varchar NOT NULL);
CREATE TABLE crm_lead (
    id serial PRIMARY KEY, name varchar NOT NULL, type varchar NOT NULL, active boolean DEFAULT true,
    user_id integer REFERENCES res_users, team_id integer REFERENCES crm_team,
    partner_id integer REFERENCES res_partner, stage_id integer REFERENCES crm_stage,
    medium_id integer REFERENCES utm_medium, source_id integer REFERENCES utm_source,
    campaign_id integer REFERENCES utm_campaign, expected_revenue numeric, probability double precision,
    create_date timestamp, write_date timestamp, date_open timestamp, date_conversion timestamp,
    date_closed timestamp, date_deadline date);
CREATE TABLE mail_activity_type (id serial PRIMARY KEY, name jsonb NOT NULL, category varchar);
CREATE TABLE mail_activity (
    id serial PRIMARY KEY, res_model varchar NOT NULL, res_id integer NOT NULL,
    activity_type_id integer REFERENCES mail_activity_type, user_id integer REFERENCES res_users,
    summary varchar, date_deadline date, create_date timestamp);

INSERT INTO res_partner (id, name, industry_id) VALUES
  (1, 'Sara Ahmadi', NULL), (2, 'Reza Karimi', NULL), (3, 'Portal Client', NULL),
  (10, 'Acme Ltd', 5), (11, 'Beta Co', 6), (12, 'Gamma LLC', NULL);
INSERT INTO res_users (id, login, partner_id, share) VALUES
  (2, 'sara', 1, false), (3, 'reza', 2, false), (4, 'portal', 3, true);
INSERT INTO crm_team (id, name) VALUES (1, '{"en_US": "North", "fa_IR": "شمال"}'), (2, '{"en_US": "South"}');
INSERT INTO crm_team_member (crm_team_id, user_id) VALUES (1, 2), (2, 3);
INSERT INTO crm_stage (id, name, sequence, is_won) VALUES
  (1, '{"en_US": "New"}', 1, false), (2, '{"en_US": "Qualified"}', 2, false),
  (3, '{"en_US": "Proposition"}', 3, false), (4, '{"en_US": "Won"}', 70, true);
INSERT INTO utm_medium (id, name) VALUES (1, 'Email'), (2, 'Phone'), (3, 'Website'), (4, 'Television');
INSERT INTO utm_campaign (id, name) VALUES (1, 'Spring sale');
INSERT INTO mail_activity_type (id, name, category) VALUES
  (1, '{"en_US": "Email"}', 'default'), (2, '{"en_US": "Call"}', 'phonecall'),
  (3, '{"en_US": "Meeting"}', 'meeting'), (4, '{"en_US": "To-Do"}', 'default');

-- January 2026: five leads. 101 and 102 became opportunities (102 won in February), 103 was
-- disqualified (archived lead), 104 stays a lead, 105 was created directly as an opportunity and lost.
INSERT INTO crm_lead (id, name, type, active, user_id, team_id, partner_id, stage_id, medium_id,
                      campaign_id, expected_revenue, probability, create_date, write_date,
                      date_conversion, date_closed) VALUES
  (101, 'Acme deal', 'opportunity', true, 2, 1, 10, 3, 1, 1, 5000, 40,
   '2026-01-05 09:00', '2026-01-20 10:00', '2026-01-12 15:30', NULL),
  (102, 'Beta deal', 'opportunity', true, 3, 2, 11, 4, 2, NULL, 1200.50, 100,
   '2026-01-07 11:00', '2026-02-03 16:00', '2026-01-09 10:00', '2026-02-03 16:00'),
  (103, 'Cold lead', 'lead', false, 2, 1, NULL, 1, 3, NULL, 0, 0,
   '2026-01-15 08:00', '2026-01-25 12:00', NULL, '2026-01-25 12:00'),
  (104, 'Waiting lead', 'lead', true, 3, 2, NULL, 1, 4, NULL, 0, 10,
   '2026-01-20 14:00', '2026-01-20 14:00', NULL, NULL),
  (105, 'Gamma deal', 'opportunity', false, 3, 2, 12, 2, NULL, NULL, 800, 0,
   '2026-01-28 10:00', '2026-02-10 09:00', NULL, '2026-02-10 09:00');
INSERT INTO mail_activity (id, res_model, res_id, activity_type_id, user_id, create_date) VALUES
  (1, 'crm.lead', 101, 1, 2, '2026-01-05 10:30'), (2, 'crm.lead', 101, 2, 2, '2026-01-06 09:00'),
  (3, 'crm.lead', 102, 3, 3, '2026-01-08 11:00'), (4, 'crm.lead', 103, 4, 2, '2026-01-16 08:00'),
  (5, 'res.partner', 10, 1, 2, '2026-01-10 08:00');
