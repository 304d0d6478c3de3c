import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsIn, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsLocalDate } from '../platform/validators.js';
import { IsPersonnummer } from '../platform/personnummer.validator.js';

export class HouseholdMemberDto {
  @ApiProperty({ example: 'm1' }) @IsString() @Matches(/^[A-Za-z0-9_-]{1,40}$/) memberId!: string;
  @ApiProperty({ enum: ['applicant', 'co_applicant', 'child', 'other_adult'] }) @IsIn(['applicant', 'co_applicant', 'child', 'other_adult']) role!: 'applicant' | 'co_applicant' | 'child' | 'other_adult';
  @ApiProperty({ example: 'Anna Andersson' }) @IsString() @Length(1, 200) name!: string;
  @ApiPropertyOptional({ example: '19811218-9876', nullable: true, description: 'personnummer or samordningsnummer' })
  @IsOptional() @IsPersonnummer() personnummer?: string | null;
  @ApiProperty({ example: '1981-12-18' }) @IsLocalDate() birthDate!: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() preschoolLunch?: boolean;
}

export class PayeeDto {
  @ApiProperty({ enum: ['client_account', 'landlord', 'energy_company'] }) @IsIn(['client_account', 'landlord', 'energy_company']) kind!: 'client_account' | 'landlord' | 'energy_company';
  @ApiProperty({ example: 'Anna Andersson' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ example: '8327-9 123 456 789-0' }) @IsString() @Matches(/^[0-9 -]{5,40}$/, { message: 'account must be digits, spaces and dashes (clearing + account, bankgiro or plusgiro)' }) account!: string;
}

export class OpenCaseDto {
  @ApiProperty({ type: [HouseholdMemberDto] }) @ValidateNested({ each: true }) @Type(() => HouseholdMemberDto) @ArrayMinSize(1) @ArrayMaxSize(30) household!: HouseholdMemberDto[];
  @ApiProperty({ example: 'enhet-nord' }) @IsString() @Matches(/^[A-Za-z0-9_-]{1,60}$/) unit!: string;
  @ApiProperty({ example: 'hl-anna' }) @IsString() @Matches(/^[\p{L}\p{N}._@-]{1,64}$/u) caseworker!: string;
  @ApiProperty({ type: PayeeDto }) @ValidateNested() @Type(() => PayeeDto) payee!: PayeeDto;
  @ApiProperty() @IsBoolean() protectedIdentity!: boolean;
}

export class ChangeHouseholdDto {
  @ApiProperty({ type: [HouseholdMemberDto] }) @ValidateNested({ each: true }) @Type(() => HouseholdMemberDto) @ArrayMinSize(1) @ArrayMaxSize(30) household!: HouseholdMemberDto[];
  @ApiProperty() @IsLocalDate() effectiveFrom!: string;
  @ApiProperty() @IsString() @Length(1, 2000) reason!: string;
}

export class ChangePayeeDto {
  @ApiProperty({ type: PayeeDto }) @ValidateNested() @Type(() => PayeeDto) payee!: PayeeDto;
  @ApiProperty() @IsLocalDate() effectiveFrom!: string;
  @ApiProperty() @IsString() @Length(1, 2000) reason!: string;
}

export class ProtectedIdentityDto {
  @ApiProperty() @IsBoolean() protectedIdentity!: boolean;
  @ApiProperty() @IsString() @Length(1, 2000) reason!: string;
}

export class ReassignCaseDto {
  @ApiProperty() @IsString() @Matches(/^[\p{L}\p{N}._@-]{1,64}$/u) caseworker!: string;
  @ApiProperty() @IsString() @Matches(/^[A-Za-z0-9_-]{1,60}$/) unit!: string;
  @ApiProperty() @IsString() @Length(1, 2000) reason!: string;
}

export class CloseCaseDto {
  @ApiProperty() @IsLocalDate() on!: string;
  @ApiProperty() @IsString() @Length(1, 2000) @MaxLength(2000) reason!: string;
}
